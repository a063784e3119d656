meta:
  id: json_record
  title: Length-prefixed UTF-8 JSON (e.g. a token handed from one app to the other)
  endian: le
  encoding: UTF-8
doc: |
  A JSON document (e.g. an authentication token object) as UTF-8 text after its byte length.
  A .NET app may write bare JSON into a view stream and find its end by parsing; the length
  prefix lets a reader take exactly one record without parsing it.
seq:
  - id: len_json
    type: u4
  - id: json
    type: str
    size: len_json
