meta:
  id: ipc_message
  title: twinmap IpcServer/IpcClient message
  endian: le
doc: |
  One message between an IpcClient and an IpcServer: the payload of one channel record (or, on
  the named-pipe transport, of one length-prefixed frame). Clients say hello with the name of
  the channel they read replies from; requests and responses share a correlation id.
  Implementations: ts/ipc/, dotnet/Twinmap/Ipc*.cs.
seq:
  - id: kind
    type: u1
    enum: kind
  - id: reserved0
    size: 3
  - id: client_id
    type: u4
    doc: chosen at random by the client, never 0
  - id: correlation_id
    type: u4
    doc: pairs a response (or error) with its request; 0 otherwise
  - id: reserved1
    size: 4
  - id: payload
    size-eos: true
    doc: hello - the client's reply channel name, UTF-8; error - the message, UTF-8; else the user's bytes
enums:
  kind:
    1: hello
    2: bye
    3: message
    4: request
    5: response
    6: error
