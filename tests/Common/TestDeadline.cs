using System.Runtime.CompilerServices;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>
/// A cancellation token per test that fires when the test is aborted or after a generous deadline, so that a broken
/// path ends the test with an error instead of hanging the run. It is a guard, not a timing goal.
/// </summary>
internal static class TestDeadline
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly ConditionalWeakTable<object, CancellationTokenSource> Sources = [];

    public static CancellationToken Current
    {
        get
        {
            var context = TestContext.Current;
            var key = (object?)context.Test ?? context;
            return Sources.GetValue(key, _ =>
            {
                var source = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
                source.CancelAfter(Deadline);
                return source;
            }).Token;
        }
    }
}
