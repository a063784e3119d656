meta:
  id: test_data
  title: TestData (a Pack = 1 struct of a .NET app)
  endian: le
doc: |
  A .NET app's struct, [StructLayout(Sequential, Pack = 1)]: Id, Age and ten scores, 48 bytes.
seq:
  - id: id
    type: s4
  - id: age
    type: s4
  - id: scores
    type: s4
    repeat: expr
    repeat-expr: 10
