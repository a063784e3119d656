// The npm kaitai-struct-compiler package ships no typings; this is the part of its API we use.
declare module 'kaitai-struct-compiler' {
  export interface KsyImporter {
    importYaml(name: string, mode: 'rel' | 'abs'): Promise<unknown>;
  }
  const compiler: {
    readonly version: string;
    readonly buildDate: string;
    readonly languages: string[];
    compile(lang: string, ksy: unknown, importer: KsyImporter | null, debug?: boolean): Promise<Record<string, string>>;
  };
  export default compiler;
}
