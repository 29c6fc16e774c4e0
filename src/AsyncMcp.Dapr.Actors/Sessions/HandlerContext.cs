using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The execution context a session's handlers run in when the message came through its actor: the trace and the
/// message's log scope, and nothing else of the actor call. The actor runtime's own async-local state (its turn,
/// reentrancy) must not reach a handler that outlives the turn and calls back into the actor.
/// </summary>
internal static class HandlerContext
{
    private static readonly ExecutionContext Empty = CaptureEmpty();

    /// <summary>A fresh context holding <see cref="Activity.Current"/> and a scope with the message and session ids.</summary>
    public static ExecutionContext Create(ILogger logger, string messageId, string sessionId)
    {
        var activity = Activity.Current;
        ExecutionContext? created = null;
        ExecutionContext.Run(Empty.CreateCopy(), _ =>
        {
            Activity.Current = activity;
            // Not disposed: the scope belongs to the captured context, which ends with the handler.
            _ = Diagnostics.Log.BeginMessageScope(logger, messageId, sessionId);
            created = ExecutionContext.Capture();
        }, null);
        return created!;
    }

    // A thread started without flow has the default, empty context (a task could run inline on this thread instead).
    private static ExecutionContext CaptureEmpty()
    {
        ExecutionContext? empty = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => empty = ExecutionContext.Capture());
            thread.Start();
            thread.Join();
        }

        return empty ?? throw new InvalidOperationException("No execution context could be captured.");
    }
}
