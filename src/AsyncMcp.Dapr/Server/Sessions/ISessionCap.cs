namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The owner of the cap on open sessions (<see cref="Hosting.DaprPubSubServerOptions.MaxSessions"/>): a host reserves
/// a slot before it opens a session and gives it back when the session ends. One implementation per host kind: in
/// memory for one replica, a counter shared by every replica for durable hosts.
/// </summary>
internal interface ISessionCap
{
    /// <summary>Takes a slot if one is free.</summary>
    /// <exception cref="Exception">The count could not be read (transient): the message is retried.</exception>
    Task<bool> TryReserveAsync(CancellationToken cancellationToken);

    /// <summary>Gives a slot back. Never throws: a failure is logged.</summary>
    Task ReleaseAsync();
}
