meta:
  id: hiking_database
  title: Hiking database, as a length-prefixed binary layout
  endian: le
  encoding: UTF-8
doc: |
  A .NET app's HikingDatabase, written as plain length-prefixed fields instead of
  BinaryFormatter: a description and a list of hikes, each with a date, a description
  and a GPS track of x/y/z doubles.
seq:
  - id: len_description
    type: u4
  - id: description
    type: str
    size: len_description
  - id: num_hikes
    type: u4
  - id: hikes
    type: hike
    repeat: expr
    repeat-expr: num_hikes
types:
  hike:
    seq:
      - id: len_date
        type: u2
      - id: date
        type: str
        size: len_date
        doc: The date as the .NET side formats it (a string in the .NET app's model).
      - id: len_description
        type: u4
      - id: description
        type: str
        size: len_description
      - id: num_points
        type: u4
      - id: gps_track
        type: coord
        repeat: expr
        repeat-expr: num_points
  coord:
    seq:
      - id: x
        type: f8
      - id: y
        type: f8
      - id: z
        type: f8
