using System.Collections.Concurrent;
using System.Reflection;
using Dapr.Common.Serialization;
using Dapr.Workflow;
using Dapr.Workflow.Client;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// A workflow client over instances held in memory, whose states the tests set: for the server's protocol handling,
/// which reads and drives workflows only through <see cref="IDaprWorkflowClient"/>. The real engine runs in the
/// end-to-end tests.
/// </summary>
internal sealed class FakeWorkflowClient : IDaprWorkflowClient
{
    private const BindingFlags NonPublic = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private readonly JsonDaprSerializer _serializer = new();
    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.Ordinal);

    public List<(string InstanceId, string Name, object? Payload)> Events { get; } = [];

    public List<string> Scheduled { get; } = [];

    public List<string> Purged { get; } = [];

    public List<string> Terminated { get; } = [];

    public T InputOf<T>(string instanceId) => _serializer.Deserialize<T>(_instances[instanceId].Input!)!;

    public void Set(string instanceId, WorkflowRuntimeStatus status, object? customStatus = null, object? output = null, string? failure = null)
    {
        var instance = _instances[instanceId];
        instance.Status = status;
        instance.CustomStatus = customStatus is null ? instance.CustomStatus : _serializer.Serialize(customStatus);
        instance.Output = output is null ? instance.Output : _serializer.Serialize(output);
        instance.Failure = failure;
        instance.Updated = DateTime.UtcNow;
        if (status is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated)
        {
            instance.Done.TrySetResult();
        }
    }

    public Task<string> ScheduleNewWorkflowAsync(string name, string? instanceId = null, object? input = null) =>
        ScheduleNewWorkflowAsync(name, instanceId, input, (DateTimeOffset?)null, CancellationToken.None);

    public Task<string> ScheduleNewWorkflowAsync(string name, string? instanceId, object? input, DateTime? startTime) =>
        ScheduleNewWorkflowAsync(name, instanceId, input, (DateTimeOffset?)null, CancellationToken.None);

    public Task<string> ScheduleNewWorkflowAsync(string name, string? instanceId, object? input, DateTimeOffset? startTime, CancellationToken cancellation = default)
    {
        var id = instanceId ?? Guid.NewGuid().ToString("N");
        if (!_instances.TryAdd(id, new Instance(name, input is null ? null : _serializer.Serialize(input))))
        {
            throw new InvalidOperationException($"An instance with id '{id}' already exists.");
        }

        lock (Scheduled)
        {
            Scheduled.Add(id);
        }

        return Task.FromResult(id);
    }

    public Task<WorkflowState> GetWorkflowStateAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellation = default) =>
        Task.FromResult(_instances.TryGetValue(instanceId, out var instance) ? State(instanceId, instance) : null!);

    public async Task<WorkflowState> WaitForWorkflowCompletionAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellation = default)
    {
        await _instances[instanceId].Done.Task.WaitAsync(cancellation);
        return State(instanceId, _instances[instanceId]);
    }

    public Task<WorkflowState> WaitForWorkflowStartAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellation = default) =>
        Task.FromResult(State(instanceId, _instances[instanceId]));

    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        lock (Events)
        {
            Events.Add((instanceId, eventName, eventPayload));
        }

        return Task.CompletedTask;
    }

    public Task TerminateWorkflowAsync(string instanceId, object? output = null, CancellationToken cancellation = default)
    {
        Terminated.Add(instanceId);
        Set(instanceId, WorkflowRuntimeStatus.Terminated, output: output);
        return Task.CompletedTask;
    }

    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default)
    {
        Purged.Add(instanceId);
        return Task.FromResult(_instances.TryRemove(instanceId, out _));
    }

    public Task<WorkflowInstancePage> ListInstanceIdsAsync(string? continuationToken = null, int? pageSize = null, CancellationToken cancellation = default)
    {
        var all = _instances.Keys.Order(StringComparer.Ordinal).ToList();
        var start = continuationToken is null ? 0 : int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
        var size = pageSize ?? 100;
        var page = all.Skip(start).Take(size).ToList();
        var next = start + size < all.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new WorkflowInstancePage(page, next!));
    }

    public Task SuspendWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task ResumeWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<WorkflowHistoryEvent>> GetInstanceHistoryAsync(string instanceId, CancellationToken cancellation = default) => throw new NotSupportedException();

    public Task<string> RerunWorkflowFromEventAsync(string sourceInstanceId, uint eventId, RerunWorkflowFromEventOptions? options = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // WorkflowState and its metadata have internal constructors: the SDK builds them from the sidecar's answer.
    private WorkflowState State(string instanceId, Instance instance)
    {
        var metadataType = typeof(WorkflowState).Assembly.GetType("Dapr.Workflow.Client.WorkflowMetadata", throwOnError: true)!;
        var metadata = Activator.CreateInstance(metadataType, NonPublic, null, [instanceId, instance.Name, instance.Status, instance.Created, instance.Updated, _serializer], null)!;
        metadataType.GetProperty("SerializedInput")!.SetValue(metadata, instance.Input);
        metadataType.GetProperty("SerializedOutput")!.SetValue(metadata, instance.Output);
        metadataType.GetProperty("SerializedCustomStatus")!.SetValue(metadata, instance.CustomStatus);
        metadataType.GetProperty("FailureDetails")!.SetValue(metadata, instance.Failure is null ? null : new WorkflowTaskFailureDetails("Error", instance.Failure, ""));
        return (WorkflowState)Activator.CreateInstance(typeof(WorkflowState), NonPublic, null, [metadata], null)!;
    }

    private sealed class Instance(string name, string? input)
    {
        public string Name { get; } = name;

        public string? Input { get; } = input;

        public string? Output { get; set; }

        public string? CustomStatus { get; set; }

        public string? Failure { get; set; }

        public WorkflowRuntimeStatus Status { get; set; } = WorkflowRuntimeStatus.Running;

        public DateTime Created { get; } = DateTime.UtcNow;

        public DateTime Updated { get; set; } = DateTime.UtcNow;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
