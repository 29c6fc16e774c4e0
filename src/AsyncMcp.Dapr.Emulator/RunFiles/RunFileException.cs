namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>A run file that cannot be run: missing, malformed, or breaking a rule of the format.</summary>
public sealed class RunFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong, naming the file and key.</param>
    public RunFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RunFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
