using System.Threading.Channels;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Server.Webhooks;

/// <summary>
/// The webhook side of one session: its own queue and its own delivery loop, so that a slow or absent receiver
/// delays only its session. Messages go out in order; each is retried with doubling backoff for at most
/// <see cref="DaprWebhookReplyOptions.DeliveryTimeout"/>. A message that cannot be delivered ends the channel: it is
/// logged and counted, later messages are refused, and the owner is told through the failure callback.
/// </summary>
internal sealed class QueuedReplyChannel : IReplyChannel
{
    private readonly IReplyRoute _sender;
    private readonly ReplyAddress _address;
    private readonly string? _sessionId;
    private readonly DaprWebhookReplyOptions _options;
    private readonly McpDaprMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<Exception> _onFailed;
    private readonly Channel<(string Id, ReadOnlyMemory<byte> Body)> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private Exception? _failure;

    public QueuedReplyChannel(
        IReplyRoute sender,
        ReplyAddress address,
        string? sessionId,
        DaprWebhookReplyOptions options,
        McpDaprMetrics metrics,
        TimeProvider time,
        ILogger logger,
        Action<Exception> onFailed)
    {
        _sender = sender;
        _address = address;
        _sessionId = sessionId;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _onFailed = onFailed;
        _queue = Channel.CreateBounded<(string, ReadOnlyMemory<byte>)>(
            new BoundedChannelOptions(options.MaxQueuedMessagesPerSession) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(DeliverAllAsync);
    }

    public async Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        if (_failure is { } failure)
        {
            throw new InvalidOperationException($"Replies to {_address} can no longer be delivered: {failure.Message}", failure);
        }

        // The bytes are copied: the caller's buffer may be reused once this returns.
        await _queue.Writer.WriteAsync((eventId, cloudEvent.ToArray()), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();

        // Give what is already queued (often the session's last answer) a short chance to go out, then stop.
        var grace = _options.AttemptTimeout < TimeSpan.FromSeconds(5) ? _options.AttemptTimeout : TimeSpan.FromSeconds(5);
        await Task.WhenAny(_worker, Task.Delay(grace, _time));
        await _stopping.CancelAsync();
        await _worker;
        _stopping.Dispose();
    }

    private async Task DeliverAllAsync()
    {
        try
        {
            await foreach (var (id, body) in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                // This loop runs outside any delivery: the scope ties its lines (and the sender's) to the message.
                using var scope = Log.BeginMessageScope(_logger, id, _sessionId);
                await DeliverAsync(id, body);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The session ended.
        }
        catch (ReplyDeliveryException ex)
        {
            _failure = ex;
            _queue.Writer.TryComplete(ex);
            _metrics.WebhookFailed(_address.Component);
            Log.WebhookDeliveryFailed(_logger, ex.MessageId, _sessionId, _address.ToString(), ex.Message);
            _onFailed(ex);
        }
    }

    private async Task DeliverAsync(string id, ReadOnlyMemory<byte> body)
    {
        var deadline = _time.GetUtcNow() + _options.DeliveryTimeout;
        var delay = _options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            attemptTimeout.CancelAfter(_options.AttemptTimeout);
            Exception error;
            try
            {
                await _sender.SendAsync(_address, id, body, attemptTimeout.Token);
                if (attempt > 1)
                {
                    Log.WebhookDeliveryRecovered(_logger, id, _sessionId, _address.ToString(), attempt);
                }

                return;
            }
            catch (ReplyDeliveryException ex) when (ex.IsPermanent)
            {
                ex.MessageId = id;
                throw;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                error = ex is OperationCanceledException ? new TimeoutException($"The attempt took longer than {_options.AttemptTimeout}.") : ex;
            }

            if (_time.GetUtcNow() + delay > deadline)
            {
                throw new ReplyDeliveryException(
                    $"Gave up on event {id} after {attempt} attempt(s) over {_options.DeliveryTimeout}: {error.Message}", isPermanent: false, error)
                {
                    MessageId = id,
                };
            }

            _metrics.WebhookRetried(_address.Component);
            Log.WebhookDeliveryRetrying(_logger, id, _sessionId, _address.ToString(), attempt, delay, error.Message);
            await Task.Delay(delay, _time, _stopping.Token);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }
}
