using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Wire;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("plain-id_1.2", "plain-id_1.2")]
    [InlineData("évènement-😀", "évènement-😀")]
    [InlineData("a\r\nb", "a\\u000d\\u000ab")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("x\u0085y", "x\\u0085y")]
    [InlineData("x\u2028y", "x\\u2028y")]
    [InlineData("rtl\u202eevil", "rtl\\u202eevil")]
    public void Control_characters_and_lone_surrogates_are_escaped_and_nothing_else(string value, string expected)
    {
        Assert.Equal(expected, LogText.Escape(value));
        Assert.Equal(value != expected, LogText.HasControlCharacters(value));
    }

    [Fact]
    public void Lone_surrogates_are_escaped_and_pairs_kept()
    {
        // Not theory data: a lone surrogate does not survive the serialization of test cases.
        Assert.Equal("lone\\ud800", LogText.Escape("lone\ud800"));
        Assert.Equal("\\udc00lone", LogText.Escape("\udc00lone"));
        Assert.Equal("pair\ud83d\ude00", LogText.Escape("pair\ud83d\ude00"));
        Assert.True(LogText.HasControlCharacters("\ud800"));
    }

    [Fact]
    public void A_long_value_is_cut_and_says_how_long_it_was()
    {
        var escaped = LogText.Escape(new string('x', 100_000))!;

        Assert.StartsWith(new string('x', LogText.MaxLength), escaped);
        Assert.EndsWith("(100000 characters)", escaped);
        Assert.True(escaped.Length < LogText.MaxLength + 40);
    }

    [Fact]
    public void Null_stays_null() => Assert.Null(LogText.Escape(null));
}
