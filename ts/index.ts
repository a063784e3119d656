// twinmap's public API. Each area exports its part here.
export * from './errors.js';
export { parseName, type ParsedName, type NameScope } from './names.js';

// named mutexes
export { NamedMutex, type NamedMutexOptions, type NamedWaitHandleOptions, type LockResult, type DotnetGeneration } from './mutex/named-mutex.js';

// shared maps
export { SharedMap, type CreateMapOptions, type OpenMapOptions } from './map/shared-map.js';
export type { ReadableView } from './map/readable-view.js';

// named events and channels
export { NamedEvent, type NamedEventOptions } from './event/named-event.js';
export { Channel, type ChannelOptions, type PeerGone } from './channel/channel.js';
export { IpcServer, type IpcServerOptions, type RequestHandler } from './ipc/server.js';
export { IpcClient, type IpcClientOptions } from './ipc/client.js';
export type { IpcTransport } from './ipc/links.js';
export { IpcMessage, jsonPayload } from './ipc/message.js';

// formats: the generator behind `twinmap gen`, and the JSON record of the IPC layer (generated
// from formats/json_record.ksy; DecodeError/EncodeError come from the generated runtime file)
export { generate, generateFiles, kaitaiCompile, SpecError, type GenerateOptions, type GeneratedFile } from './gen/index.js';
export { DecodeError, EncodeError } from './gen/runtime/twinmap-runtime.js';
export { JsonRecord } from './formats/json_record.js';

// NRBF: objects .NET apps serialize with BinaryFormatter, read and written without running .NET code
export * from './nrbf/index.js';
