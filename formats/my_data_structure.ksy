meta:
  id: my_data_structure
  title: MyDataStructure (seed 000)
  endian: le
doc: |
  Two 32-bit integers, as the .NET app of seed 000 writes them with
  MemoryMappedViewAccessor.Write<MyDataStructure>(0, ref data).
seq:
  - id: my_value_a
    type: s4
  - id: my_value_b
    type: s4
