// C# codec rates of the two gallery specs the TS rows measure (Windows SYSTEMTIME, binary STL):
// their C# is generated when the bench runs (the gallery is not part of the repository) into a
// temporary console project with bench/gallery-cs/GalleryCodecBench.cs and the timing loop of
// dotnet/Twinmap.Peer/Commands/Bench/CodecTiming.cs (the one the Peer's codec-bench compiles), built in Release and run.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateFiles } from 'twinmap';
import { galleryDir } from './codec-more.js';
import type { CodecRate } from './codec-rate.js';
import { repoRoot } from './paths.js';

const SPECS = ['windows/windows_systemtime.ksy', 'media/stl.ksy'];

/** Rates of the generated C# codecs and hand-written BinaryPrimitives code; [] without the gallery. */
export async function measureCsGalleryCodecs(records: number, pairs: number): Promise<CodecRate[]> {
  const specs = SPECS.map((p) => join(galleryDir, p));
  if (!specs.every(existsSync)) return [];
  const dir = mkdtempSync(join(tmpdir(), 'twinmap-bench-gallery-cs-'));
  try {
    for (const f of await generateFiles(specs, { cs: join(dir, 'Generated'), skipKaitai: true, includeDirs: [galleryDir], namespace: 'Gallery' })) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
    }
    // The timing loop the Peer's codec-bench compiles (its project includes the same file).
    copyFileSync(join(repoRoot, 'dotnet', 'Twinmap.Peer', 'Commands', 'Bench', 'CodecTiming.cs'), join(dir, 'CodecTiming.cs'));
    // The Peer's settings (dotnet/Directory.Build.props) that matter for speed: Release, the
    // default tiered compilation with dynamic PGO, invariant globalization.
    writeFileSync(
      join(dir, 'GalleryCodecBench.csproj'),
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <!-- Generated/*.cs and CodecTiming.cs come in by default, from the project's folder. -->
    <Compile Include="${join(repoRoot, 'bench', 'gallery-cs', 'GalleryCodecBench.cs')}" />
  </ItemGroup>
</Project>
`,
    );
    try {
      execFileSync('dotnet', ['build', dir, '-c', 'Release', '--nologo', '-v', 'q', '-o', join(dir, 'bin')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      throw new Error(`the gallery's C# codec bench did not build:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
    }
    const out = execFileSync('dotnet', [join(dir, 'bin', 'GalleryCodecBench.dll'), String(records), String(pairs)], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string } & CodecRate)
      .filter((e) => e.event === 'rate')
      .map(({ record, op, impl, recordsPerSec, pairs: p }) => ({ record, op, impl, recordsPerSec, ...(p ? { pairs: p } : {}) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
