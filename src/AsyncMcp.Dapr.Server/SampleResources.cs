using System.ComponentModel;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server;

/// <summary>The sample server's resources: one fixed resource and one template.</summary>
[McpServerResourceType]
public sealed class SampleResources
{
    /// <summary>The server's status.</summary>
    [McpServerResource(UriTemplate = "status://server", Name = "server-status", MimeType = "text/plain")]
    [Description("What the server is and how it is reached.")]
    public static string Status() => "AsyncMcp.Dapr sample server: reached over Dapr pub/sub (replies by pub/sub or signed webhook) and over Streamable HTTP.";

    /// <summary>A job's report, by id.</summary>
    [McpServerResource(UriTemplate = "jobs://{id}", Name = "job-report", MimeType = "text/plain")]
    [Description("The report of a job, by its id.")]
    public static string JobReport([Description("The job id.")] string id) => $"report of job {id}: done";
}
