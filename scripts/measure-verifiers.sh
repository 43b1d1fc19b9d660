#!/usr/bin/env bash
# Measures the verifiers as whole commands repeated in one process (scripts/attestation verify ... --repeat N, docs/cli.md)
# on real vectors of tests/vectors, and prints operations per second for each kind:
#   apple-app-attest (iOS 18.3.1), apple-assertion (same key), android-key-attestation (Pixel 9a RKP chain to "Key
#   Attestation CA1"; Pixel 3 factory chain to the RSA root), play-integrity (synthetic classic token).
#   ROUNDS   runs of each kind (default 3)
#   SCALE    multiplies every N (default 1; 0.1 for a quick look)
# Compare figures taken in one run only: the machine's load moves them all.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
scale=${SCALE:-1}
args=$(mktemp -d)
trap 'rm -rf "$args"' EXIT

node - "$args" <<'JS'
const fs = require('fs'), out = process.argv[2];
const write = (name, list) => fs.writeFileSync(`${out}/${name}`, list.join('\n'));
const apple = JSON.parse(fs.readFileSync('tests/vectors/apple-appattest-worldcoin-2025.json'));
const c = apple.case, a = c.assertions[0];
write('apple-app-attest', ['verify', 'apple-app-attest', '--attestation-object', apple.attestation.attestationObjectBase64,
  '--key-id', c.keyIdBase64, '--app-id', c.appId, '--client-data-hash', c.clientDataHashHex, '--allow-development', '--at', c.verifyAt]);
write('apple-assertion', ['verify', 'apple-assertion', '--assertion', a.assertionBase64, '--public-key', apple.assertions[0].publicKeySpkiBase64,
  '--app-id', c.appId, '--client-data-hash', a.clientDataHashHex, '--previous-counter', '0']);
for (const [name, file] of [['android-rkp-ca1', 'android-key-pixel9a-sdk36-tee-ec-ca1root'], ['android-factory', 'android-key-pixel3-sdk28-tee-ec']]) {
  const e = JSON.parse(fs.readFileSync(`tests/vectors/${file}.json`)).expected;
  write(name, ['verify', 'android-key-attestation', '--chain', `tests/vectors/${file}.pem`, '--challenge-hex', e.attestationChallengeHex, '--at', e.verifyAt]);
}
const p = JSON.parse(fs.readFileSync('tests/vectors/play-integrity-synthetic-tokens-worldcoin-testkeys.json')), k = p.case.keys;
write('play-integrity', ['verify', 'play-integrity', '--token', p.validToken.integrityToken, '--decryption-key', k.decryptionKeyBase64,
  '--verification-key', k.verificationKeyBase64, '--package', 'com.worldcoin.dev', '--nonce', 'i_am_a_sample_request_hash', '--at', '2026-01-01T00:00:30Z']);
JS

echo "# $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in apple-app-attest:5000 apple-assertion:50000 android-rkp-ca1:5000 android-factory:5000 play-integrity:10000; do
  name=${kind%%:*}
  n=$(awk -v n="${kind##*:}" -v s="$scale" 'BEGIN { v = int(n * s); print (v < 1 ? 1 : v) }')
  for round in $(seq 1 "$rounds"); do
    mapfile -t list <"$args/$name"
    result=$(scripts/attestation "${list[@]}" --repeat "$n" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);console.log(r.code, r.repeat, r.opsPerSecond)})")
    echo "$name round $round: $result"
  done
done
echo "# end, load average $(cut -d' ' -f1-3 /proc/loadavg)"
