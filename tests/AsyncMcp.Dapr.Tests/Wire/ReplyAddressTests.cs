using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Wire;

public sealed class ReplyAddressTests
{
    [Fact]
    public void A_pubsub_address_round_trips_through_its_text_form()
    {
        var address = ReplyAddress.ForPubSub("pubsub", "mcp-replies-client_1.fifo");

        Assert.Equal("pubsub://pubsub/mcp-replies-client_1.fifo", address.ToString());
        Assert.True(ReplyAddress.TryParse(address.ToString(), out var parsed));
        Assert.Equal(address, parsed);
    }

    [Theory]
    [InlineData("http://pubsub/topic")]
    [InlineData("pubsub://PubSub/topic")]
    [InlineData("pubsub://pubsub/")]
    [InlineData("pubsub://pubsub/a%2Fb")]
    [InlineData("pubsub://pubsub/topic?x=1")]
    [InlineData("not a uri")]
    [InlineData("")]
    public void Anything_but_a_valid_pubsub_address_is_refused(string value)
    {
        Assert.False(ReplyAddress.TryParse(value, out _));
    }

    [Theory]
    [InlineData("Bad_Component", "topic")]
    [InlineData("pubsub", "topic with spaces")]
    [InlineData("pubsub", "")]
    public void Invalid_names_are_refused_with_the_offending_name(string component, string topic)
    {
        var error = Assert.Throws<ArgumentException>(() => ReplyAddress.ForPubSub(component, topic));
        Assert.Contains(string.IsNullOrEmpty(topic) || topic.Contains(' ') ? $"'{topic}'" : $"'{component}'", error.Message);
    }
}
