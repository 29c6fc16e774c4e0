using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Wire;

public sealed class BindingReplyAddressTests
{
    [Theory]
    [InlineData("client-webhook", "mcp/webhooks/replies")]
    [InlineData("hooks.v2", "a")]
    [InlineData("b", "x_y/z-1/v1.2/~me")]
    public void A_binding_address_round_trips_through_its_text_form(string binding, string path)
    {
        var address = ReplyAddress.ForBinding(binding, path);

        Assert.Equal($"binding://{binding}/{path}", address.ToString());
        Assert.True(ReplyAddress.TryParse(address.ToString(), out var parsed));
        Assert.Equal(address, parsed);
        Assert.True(parsed.IsBinding);
        Assert.Equal(path, parsed.Target);
    }

    [Theory]
    [InlineData("binding://hooks")]
    [InlineData("binding://hooks/")]
    [InlineData("binding://Hooks/x")]
    [InlineData("binding://hooks//x")]
    [InlineData("binding://hooks/x//y")]
    [InlineData("binding://hooks/x/")]
    [InlineData("binding://hooks/../admin")]
    [InlineData("binding://hooks/a/../../admin")]
    [InlineData("binding://hooks/./x")]
    [InlineData("binding://hooks/%2e%2e/admin")]
    [InlineData("binding://hooks/a%2Fb")]
    [InlineData("binding://hooks/x?next=http://10.0.0.1")]
    [InlineData("binding://hooks/x#frag")]
    [InlineData("binding://hooks/@evil.example/x")]
    [InlineData("binding://hooks/http:/evil")]
    [InlineData("binding://hooks/a\\b")]
    [InlineData("binding://hooks/a b")]
    [InlineData("binding://user@hooks/x")]
    [InlineData("binding:hooks/x")]
    [InlineData("BINDING://hooks/x")]
    public void A_binding_address_that_could_leave_the_bindings_url_is_refused(string value)
    {
        Assert.False(ReplyAddress.TryParse(value, out _));
    }

    [Fact]
    public void A_path_longer_than_the_limit_is_refused()
    {
        Assert.False(ReplyAddress.TryParse("binding://hooks/" + new string('a', ReplyAddress.MaxBindingPathLength + 1), out _));
        Assert.Throws<ArgumentException>(() => ReplyAddress.ForBinding("hooks", "../x"));
    }
}
