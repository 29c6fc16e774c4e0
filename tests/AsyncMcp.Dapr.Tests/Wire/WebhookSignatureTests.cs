using System.Text;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Wire;

/// <summary>
/// The Standard Webhooks scheme, checked against the examples published with it
/// (standard-webhooks/standard-webhooks libraries/go/webhook_test.go: TestWebhookSign, TestWebhook).
/// </summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Signing_the_published_example_gives_the_published_signature()
    {
        Assert.Equal(Expected, WebhookSignature.Sign(WebhookSecrets.Parse(Secret), MessageId, Timestamp, Payload));
    }

    [Fact]
    public void The_secret_may_be_given_without_its_prefix()
    {
        Assert.Equal(Expected, WebhookSignature.Sign(WebhookSecrets.Parse(Secret["whsec_".Length..]), MessageId, Timestamp, Payload));
    }

    [Fact]
    public void The_published_signature_verifies()
    {
        Assert.Equal(WebhookVerification.Valid, Verify(Expected, SignedAt));
    }

    [Fact]
    public void The_published_invalid_signature_is_refused()
    {
        Assert.Equal(WebhookVerification.BadSignature, Verify("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", SignedAt));
    }

    [Fact]
    public void One_valid_signature_among_several_and_other_versions_is_enough()
    {
        var header = $"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {Expected} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

        Assert.Equal(WebhookVerification.Valid, Verify(header, SignedAt));
    }

    [Fact]
    public void A_timestamp_outside_the_tolerance_either_way_is_refused()
    {
        Assert.Equal(WebhookVerification.StaleTimestamp, Verify(Expected, SignedAt + Tolerance + TimeSpan.FromSeconds(1)));
        Assert.Equal(WebhookVerification.StaleTimestamp, Verify(Expected, SignedAt - Tolerance - TimeSpan.FromSeconds(1)));
        Assert.Equal(WebhookVerification.Valid, Verify(Expected, SignedAt + Tolerance));
    }

    [Fact]
    public void Missing_headers_and_a_non_numeric_timestamp_are_refused()
    {
        var secrets = WebhookSecrets.Parse(Secret);
        Assert.Equal(WebhookVerification.MissingHeaders, WebhookSignature.Verify(secrets, null, "1", Expected, Payload, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.MissingHeaders, WebhookSignature.Verify(secrets, MessageId, "", Expected, Payload, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.MissingHeaders, WebhookSignature.Verify(secrets, MessageId, "1", null, Payload, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.BadTimestamp, WebhookSignature.Verify(secrets, MessageId, "12a", Expected, Payload, SignedAt, Tolerance));
    }

    [Fact]
    public void A_changed_byte_of_the_body_or_the_id_breaks_the_signature()
    {
        var secrets = WebhookSecrets.Parse(Secret);
        var altered = (byte[])Payload.Clone();
        altered[^2]++;

        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(secrets, MessageId, Timestamp.ToString(), Expected, altered, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(secrets, "msg_other", Timestamp.ToString(), Expected, Payload, SignedAt, Tolerance));
    }

    [Fact]
    public void During_a_rotation_every_active_secret_signs_and_either_one_verifies()
    {
        var next = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("the next secret, thirty-two b!!"));
        var both = WebhookSignature.Sign(WebhookSecrets.Parse($"{Secret} {next}"), MessageId, Timestamp, Payload);

        Assert.StartsWith(Expected + " v1,", both, StringComparison.Ordinal);
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(WebhookSecrets.Parse(next), MessageId, Timestamp.ToString(), both, Payload, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(WebhookSecrets.Parse(Secret), MessageId, Timestamp.ToString(), both, Payload, SignedAt, Tolerance));
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_not base64!")]
    public void A_missing_or_malformed_secret_is_refused_without_echoing_it(string secret)
    {
        var error = Assert.Throws<FormatException>(() => WebhookSecrets.Parse(secret));
        Assert.DoesNotContain("base64!", error.Message, StringComparison.Ordinal);
    }

    private static WebhookVerification Verify(string signature, DateTimeOffset now) =>
        WebhookSignature.Verify(WebhookSecrets.Parse(Secret), MessageId, Timestamp.ToString(), signature, Payload, now, Tolerance);
}
