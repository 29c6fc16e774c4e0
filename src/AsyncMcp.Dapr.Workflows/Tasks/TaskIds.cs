using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Task ids and the workflow instance ids derived from them. A task id is an HMAC of the creating request's owner and
/// CloudEvent id, so a redelivered request names the same task (and the same workflow instance), and nobody without the
/// key can guess one. A request without a CloudEvent id (Streamable HTTP) gets a random id.
/// </summary>
internal sealed class TaskIds
{
    /// <summary>The prefix of every task's workflow instance id.</summary>
    public const string InstancePrefix = "mcptask-";

    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private readonly byte[] _key;

    public TaskIds(IOptions<DaprTasksOptions> options)
    {
        _key = string.IsNullOrEmpty(options.Value.TaskIdKey)
            ? RandomNumberGenerator.GetBytes(32)
            : Convert.FromBase64String(options.Value.TaskIdKey);
    }

    public string Create(string owner, string? messageId)
    {
        if (messageId is null)
        {
            return Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(owner + "\n" + messageId));
        return Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    public static string InstanceOf(string taskId) => InstancePrefix + taskId;

    /// <summary>Whether <paramref name="taskId"/> has the shape of an id this server issues (so that junk never reaches Dapr).</summary>
    public static bool IsWellFormed(string? taskId) =>
        taskId is { Length: 32 } && taskId.AsSpan().ContainsAnyExcept(Hex) is false;
}
