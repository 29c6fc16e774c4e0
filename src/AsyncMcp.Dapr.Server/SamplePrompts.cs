using System.ComponentModel;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server;

/// <summary>The sample server's prompts.</summary>
[McpServerPromptType]
public sealed class SamplePrompts
{
    /// <summary>The languages the review prompt knows, offered as completions.</summary>
    public static readonly string[] Languages = ["csharp", "go", "java", "javascript", "python", "rust", "typescript"];

    /// <summary>A code review request.</summary>
    [McpServerPrompt(Name = "review_code"), Description("Asks for a review of a piece of code.")]
    public static string ReviewCode([Description("The code to review.")] string code, [Description("The language of the code.")] string language = "csharp") =>
        $"Please review this {language} code:\n{code}";
}
