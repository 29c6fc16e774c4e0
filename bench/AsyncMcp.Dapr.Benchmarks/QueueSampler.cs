namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Samples the thread pool while a run lasts: work items waiting and threads. A queue that stays long while threads
/// are added one by one is starvation (blocking calls holding pool threads); a short queue is CPU simply being busy.
/// </summary>
internal sealed class QueueSampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<ThreadPoolSample> _loop;

    private QueueSampler() => _loop = Task.Run(SampleAsync);

    public static QueueSampler Start() => new();

    public async Task<ThreadPoolSample> StopAsync()
    {
        await _stop.CancelAsync();
        var sample = await _loop;
        _stop.Dispose();
        return sample;
    }

    private async Task<ThreadPoolSample> SampleAsync()
    {
        long samples = 0, queued = 0, maxQueued = 0;
        var maxThreads = 0;
        var startThreads = ThreadPool.ThreadCount;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var pending = ThreadPool.PendingWorkItemCount;
                samples++;
                queued += pending;
                maxQueued = Math.Max(maxQueued, pending);
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }

        return new ThreadPoolSample(samples == 0 ? 0 : (double)queued / samples, maxQueued, startThreads, Math.Max(maxThreads, startThreads));
    }
}

/// <summary>The thread pool during a run: work items queued (mean and most), threads at the start and at most.</summary>
internal readonly record struct ThreadPoolSample(double MeanQueued, long MaxQueued, int StartThreads, int MaxThreads);
