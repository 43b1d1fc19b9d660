using Attestation.SampleApi;

// Listens on http://127.0.0.1:5080 and trusts the local run's tokens (scripts/run-local.sh) unless told otherwise.
await SampleApi.Build(args).RunAsync();
