using FsCheck;
using FsCheck.Fluent;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>The input every reader of untrusted bytes is tried with: any bytes, any text, and a valid body damaged.</summary>
internal static class FuzzInput
{
    /// <summary>The runs of each property: enough cases to find the odd character, fast enough for every build.</summary>
    public static Config Runs => Config.QuickThrowOnFailure.WithMaxTest(2_000);

    /// <summary>Random bytes of random length.</summary>
    public static Gen<byte[]> Bytes() => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

    /// <summary>
    /// Any UTF-16 text, biased to the characters that break things (control characters, line and paragraph separators,
    /// bidi overrides, lone surrogates, non-characters); with <paramref name="longText"/>, one case in five is 250 to
    /// 1,100 characters long, past the wire's field limits.
    /// </summary>
    public static Gen<string> Text(bool longText = false)
    {
        var character = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7e)),
            (2, Gen.Choose(0, 0x1f)),
            (1, Gen.Elements(0x7f, 0x85, 0x2028, 0x202e, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe)),
            (1, Gen.Choose(0, 0xffff))).Select(c => (char)c);
        var shortText = character.ArrayOf().Select(chars => new string(chars));
        return longText
            ? Gen.Frequency((4, shortText), (1, Gen.Choose(250, 1100).Zip(character).Select(pair => new string(pair.Item2, pair.Item1))))
            : shortText;
    }

    /// <summary><paramref name="valid"/> with some bytes replaced, then cut to a random length.</summary>
    public static Gen<byte[]> Damaged(byte[] valid) =>
        Gen.Choose(0, valid.Length - 1).Zip(Gen.Choose(0, 255)).ArrayOf().Zip(Gen.Choose(0, valid.Length)).Select(input =>
        {
            var (flips, length) = input;
            var body = valid.ToArray();
            foreach (var (index, value) in flips)
            {
                body[index] = (byte)value;
            }

            return body[..length];
        });
}
