meta:
  id: my_data_structure
  title: MyDataStructure
  endian: le
doc: |
  Two 32-bit integers, as a .NET app writes them with
  MemoryMappedViewAccessor.Write<MyDataStructure>(0, ref data).
seq:
  - id: my_value_a
    type: s4
  - id: my_value_b
    type: s4
