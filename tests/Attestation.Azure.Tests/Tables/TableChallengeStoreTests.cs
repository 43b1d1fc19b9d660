using Attestation.Azure.Tables;
using Attestation.Core.Challenges;
using Attestation.Core.Errors;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.Tables;

public class TableChallengeStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task OfFiftyConcurrentRedemptionsOfOneChallengeExactlyOneSucceeds()
    {
        var service = await CreateServiceAsync();
        var challenge = await service.IssueAsync("com.contoso.demo");
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await service.RedeemAsync("com.contoso.demo", challenge.Value);
                return true;
            }
            catch (AttestationException refused) when (refused.Code == AttestationErrorCode.ChallengeInvalid)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(success => success));
    }

    [Fact]
    public async Task AChallengeIsSingleUse()
    {
        var service = await CreateServiceAsync();
        var challenge = await service.IssueAsync("com.contoso.demo");

        await service.RedeemAsync("com.contoso.demo", challenge.Value);
        var again = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.demo", challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, again.Code);
    }

    [Fact]
    public async Task AChallengeOfAnotherAppIsRefusedAndConsumed()
    {
        var service = await CreateServiceAsync();
        var challenge = await service.IssueAsync("com.contoso.demo");

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.other", challenge.Value));
        var afterwards = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.demo", challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Contains("another app", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(AttestationErrorCode.ChallengeInvalid, afterwards.Code);
    }

    [Fact]
    public async Task AnExpiredChallengeIsRefused()
    {
        var service = await CreateServiceAsync();
        var challenge = await service.IssueAsync("com.contoso.demo");

        _clock.Advance(TimeSpan.FromMinutes(5));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.demo", challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Contains("expired", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChallengeJustBeforeItsExpiryIsAccepted()
    {
        var service = await CreateServiceAsync();
        var challenge = await service.IssueAsync("com.contoso.demo");

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await service.RedeemAsync("com.contoso.demo", challenge.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task TextThatWasNeverIssuedIsRefused(string value)
    {
        var service = await CreateServiceAsync();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.demo", value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
    }

    [Fact]
    public async Task IssuedChallengesAre32RandomBytesInBase64Url()
    {
        var service = await CreateServiceAsync();

        var values = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var challenge = await service.IssueAsync("com.contoso.demo");
            Assert.Matches("^[A-Za-z0-9_-]{43}$", challenge.Value);
            Assert.Equal(_clock.GetUtcNow().AddMinutes(5), challenge.ExpiresAt);
            values.Add(challenge.Value);
        }

        Assert.Equal(20, values.Count);
    }

    [Fact]
    public async Task CleanUpDeletesOnlyExpiredChallenges()
    {
        var store = new TableChallengeStore(await AzuriteTables.CreateAsync());
        var now = _clock.GetUtcNow();
        await store.AddAsync(new Challenge("expired-1", "a", now.AddSeconds(-1)));
        await store.AddAsync(new Challenge("expired-2", "a", now.AddMinutes(-10)));
        await store.AddAsync(new Challenge("live", "a", now.AddMinutes(1)));

        var deleted = await store.DeleteExpiredAsync(now);

        Assert.Equal(2, deleted);
        Assert.NotNull(await store.TakeAsync("live"));
        Assert.Null(await store.TakeAsync("expired-1"));
    }

    private async Task<ChallengeService> CreateServiceAsync() =>
        new(new TableChallengeStore(await AzuriteTables.CreateAsync()), Options.Create(new ChallengeOptions()), _clock);
}
