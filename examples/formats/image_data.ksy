meta:
  id: image_data
  title: ImageData (an image path and its bytes)
  endian: le
  encoding: UTF-8
doc: |
  A .NET app's variable-length record: int32 length, UTF-8 path, int32 length, image bytes
  (BitConverter.GetBytes, so little-endian on the machines .NET runs on).
seq:
  - id: len_path
    type: s4
  - id: path
    type: str
    size: len_path
    doc: Full path of the image file.
  - id: len_image
    type: s4
  - id: image
    size: len_image
    doc: The encoded image (PNG, JPEG, ...), as saved by Bitmap.Save.
