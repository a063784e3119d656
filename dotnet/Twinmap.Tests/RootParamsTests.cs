using EncodeException = Twinmap.Formats.EncodeException;
using DecodeException = Twinmap.Formats.DecodeException;
using Twinmap.Tests.Features;

namespace Twinmap.Tests;

// A root type with params (ts/gen/fixtures/features/root_params.ksy), generated into Features/:
// Decode, Encode, EncodeInto and EncodedSize take the param values. The bytes are the ones
// ts/gen/root-params.test.ts checks against Kaitai's parser with the same params.
public class RootParamsTests
{
    [Fact]
    public void ReadsAndWritesWithTheParamsTheCallerGives()
    {
        var bytes = Convert.FromHexString("0102030478563412");
        var v = RootParams.Decode(bytes, lenData: 4, hasChecksum: true, out int read);
        Assert.Equal(8, read);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, v.Data);
        Assert.Equal(0x12345678u, v.Checksum);
        Assert.Equal(8L, v.Total);
        Assert.Equal(bytes, v.Encode(lenData: 4, hasChecksum: true));

        var shorter = RootParams.Decode(bytes, lenData: 2, hasChecksum: false);
        Assert.Null(shorter.Checksum);
        Assert.Equal(2L, shorter.Total);
        Assert.Equal(2, shorter.EncodedSize(lenData: 2, hasChecksum: false));
    }

    [Fact]
    public void RefusesValuesTheParamsDoNotFitNamingTheField()
    {
        var v = new RootParams { Data = [1], Checksum = 1 };
        Assert.Contains("RootParams.data", Assert.Throws<EncodeException>(() => v.Encode(lenData: 3, hasChecksum: true)).Message);
        Assert.Contains("checksum", Assert.Throws<EncodeException>(() => new RootParams { Data = [1] }.Encode(lenData: 1, hasChecksum: true)).Message);
        Assert.Contains("RootParams.data", Assert.Throws<DecodeException>(() => RootParams.Decode([1, 2], lenData: 3, hasChecksum: false)).Message);
    }
}
