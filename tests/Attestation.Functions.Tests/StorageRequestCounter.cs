using Attestation.Azure.Tables;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Attestation.Functions.Tests;

/// <summary>Counts the HTTP requests a backend's Table Storage client sends (each retry too), to show which routes call storage.</summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The backend's own client options with this counter in the pipeline, for the service collection.</summary>
    public TableClientOptions ClientOptions()
    {
        var options = TableStorage.CreateClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _requests);
}
