using System.Globalization;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// daprd's names for the internal workflow actors and their state: the actor types
/// <c>dapr.internal.{namespace}.{appId}.workflow</c> and <c>.activity</c> (dapr/dapr pkg/runtime/wfengine/wfengine.go),
/// the activity actor id <c>{instanceId}::{taskId}</c> (pkg/actors/targets/workflow/common), and the state keys
/// <c>inbox-NNNNNN</c>, <c>history-NNNNNN</c>, <c>customStatus</c>, <c>metadata</c> (pkg/runtime/wfengine/state/state.go).
/// </summary>
internal static class WorkflowKeys
{
    /// <summary>The namespace daprd runs in when NAMESPACE is not set.</summary>
    public const string Namespace = "default";

    public const string CustomStatus = "customStatus";

    public const string Metadata = "metadata";

    public static string WorkflowActorType(string appId) => $"dapr.internal.{Namespace}.{appId}.workflow";

    public static string ActivityActorType(string appId) => $"dapr.internal.{Namespace}.{appId}.activity";

    public static string ActivityActorId(string instanceId, int taskId) =>
        instanceId + "::" + taskId.ToString(CultureInfo.InvariantCulture);

    public static string Inbox(int index) => Entry("inbox", index);

    public static string History(int index) => Entry("history", index);

    private static string Entry(string prefix, int index) => prefix + "-" + index.ToString("D6", CultureInfo.InvariantCulture);
}
