// twinmap's public API. Each area exports its part here.
export * from './errors.js';
export { parseName, type ParsedName, type NameScope } from './names.js';

// named mutexes
export { NamedMutex, type NamedMutexOptions, type NamedWaitHandleOptions, type LockResult, type MutexLayoutName } from './mutex/named-mutex.js';

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

// formats: the generator behind `twinmap gen`, and the codecs generated from formats/ for the
// sample records (their DecodeError/EncodeError come from the generated runtime file)
export { generate, generateFiles, kaitaiCompile, SpecError, type GenerateOptions, type GeneratedFile } from './gen/index.js';
export { DecodeError, EncodeError } from './formats/twinmap-runtime.js';
export { TestData, TestDataView } from './formats/test_data.js';
export { MyDataStructure, MyDataStructureView } from './formats/my_data_structure.js';
export { ImageData } from './formats/image_data.js';
export { HikingDatabase, Hike, Coord, CoordView } from './formats/hiking_database.js';
export { JsonRecord } from './formats/json_record.js';

// NRBF: objects .NET apps serialize with BinaryFormatter, read and written without running .NET code
export * from './nrbf/index.js';
