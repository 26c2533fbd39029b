//! The evolution from one server to a datacenter in every region, as presets, each fixing the
//! bottleneck of the one before, three faults with their mitigations, the fan-out's tail ("The
//! Tail at Scale": a 100-way fan-out, hedged requests, and 2,000 servers), and a flushed cache's
//! thundering herd with coalescing and shedding, and a spike against the web tier's autoscaler, and an active-passive datacenter's loss. A test checks that
//! each one's bottleneck is the tier [`BOTTLENECKS`] names and that its lesson states only
//! numbers the lab computes.

use super::Preset;
use crate::system::report::Tier;

/// The presets a teacher would use, in the order of the evolution, then the faults.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "One server",
        lesson: "Everything runs on one server with 8 workers: the application and its database. 300,000 users make 694 requests a second at the evening peak, the server is 50 % busy, and p99 is 97 ms. The SLO search finds that it keeps p99 under 300 ms up to 588,190 users; past that its queue grows without bound. It costs $60 a month.",
        query: "v=1&db=server&lb=none&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=300000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=1&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=0&cachekeys=20000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A separate database",
        lesson: "The database moves to a server of its own. At 600,000 users (1,389 requests a second) the web server is the bottleneck at 86 % and the database primary is only 26 % busy: rendering pages, logins and writes' follow-up work take far longer than the queries. One web server meets the SLO up to 688,459 users.",
        query: "v=1&db=separate&lb=none&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=600000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=1&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=0&cachekeys=20000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A load balancer and ten web servers",
        lesson: "Sessions live in a shared store, so any web server can answer any request, and a load balancer spreads them over 10. At 2,000,000 users (4,630 requests a second) the web tier is 30 % busy and the database primary is the bottleneck at 88 %: every page reads it, and every request reads its session there. The SLO holds up to 2,313,401 users.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=2000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=10&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=0&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A cache",
        lesson: "Two cache nodes hold 15,000 of the 100,000 keys and every session. 66 % of reads hit, as Che's approximation predicts (66 %), and at 3,000,000 users the primary drops to 31 %. The bottleneck is the web tier again, at 37 %, and 65 % of the requests it answers are static files.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A CDN",
        lesson: "Edges that hold 6,000 of the 10,000 static objects answer 89 % of static requests (Che: 89 %), so the web tier drops from 37 % to 28 % and the database primary is the bottleneck again at 31 %, mostly with the cache's misses. The CDN's bill, $22,038 a month at its first-tier price, is most of the $22,932 total.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Read replicas",
        lesson: "Two replicas take the reads, and the web tier has grown to 30 servers. At 5,000,000 users the replicas are 15 % busy and the primary is still the bottleneck at 22 %, with writes alone: replicas cannot take writes, and every write goes to the one primary.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=5000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=30&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=2&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Sharding",
        lesson: "Four shards each own a quarter of the keys and their writes: at 7,000,000 users the busiest primary is 9 % busy. The web tier is the bottleneck at 27 %: every write's 50 ms of follow-up work holds a web worker while its user waits.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=7000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=30&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=4&replicas=2&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A message bus",
        lesson: "Writes hand their follow-up work to 60 bus consumers and answer at once: the web tier drops to 12 % and the consumers are the busiest at 31 %, with 10,000,000 users in 3 regions. What limits now is distance: with one datacenter in US East, p99 is 252 ms, as users in Asia–Pacific wait a 220 ms round trip for each request, and losing the datacenter would lose everyone.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=10000000&regions=3&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=30&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=60&shards=4&replicas=2&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A datacenter in every region",
        lesson: "A datacenter in each of the 3 regions, active-active, each with 12 web servers and 40 bus consumers: users are served nearby and p99 falls from 252 ms to 105 ms, although every write still goes to the primaries in US East. The busiest tier is now one datacenter's bus consumers, at 29 %. Choose \"A datacenter is lost\" to watch US East's users move to Europe after the 10 s failover.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=active&users=10000000&regions=3&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=40&shards=4&replicas=2&dbworkers=8&lag=100&dcs=3&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A retry storm",
        lesson: "The CDN step at 3,000,000 users, but the database becomes 5 times slower for 10 s, clients time out after 500 ms and retry 3 times at once. Retries pile onto the slow database primary, which runs 77 % busy over the run: 105,910 retries, and 34,668 of 417,611 requests time out for good.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=none&fault=slowdown&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=500&retries=3&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Backoff, jitter and a circuit breaker",
        lesson: "The same slowdown, but clients wait a jittered, doubling backoff before retrying, and circuit breakers refuse calls to the database while half of them fail. The primary stays at 30 %, retries drop to 29,019, and 8,899 requests fail, 8,813 of them refused at once by a breaker instead of waiting out a timeout.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=slowdown&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=500&retries=3&backoffms=100&queue=0&breaker=1&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "The primary dies",
        lesson: "The CDN step with 2 replicas, and the primary dies at 20 s. Writes fail until a replica is promoted 10 s later: 2,111 requests fail after their retries. Replication is asynchronous, so the 14 writes the primary had acknowledged in its last 100 ms never reached a replica and are lost. The web tier, at 27 %, is the busiest tier.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=primary&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=2&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "The tail at scale: a 100-way fan-out",
        lesson: "Each read and write calls 100 services at once and waits for the slowest, and a call is slow (1 s more) once in 100. So 63 % of the requests that fan out wait for a slow call, 8,761 of 13,809, as 1 − (1 − p)^k predicts (63 %), and p99 is 1,098 ms although the services are only 31 % busy: adding servers cannot fix a tail that comes from the fan-out.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=300000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=10&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=100&fanout=100&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=3000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=10000&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Hedged requests cut the tail",
        lesson: "The same fan-out, but a call still out after the calls' measured ninety-fifth percentile is sent again to another of the services, and the first answer wins. 72,453 hedged calls, 5 % on top of the 1,416,600 sent, take the slow requests from 63 % to 1 %: p99 falls from 1,098 ms to 158 ms, and the SLO now holds up to 486,951 users.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=300000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=10&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=100&fanout=100&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=3000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=1&ryw=0&shardbyuser=0&slowppm=10000&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "One slow call in ten thousand, across 2,000 servers",
        lesson: "Every read and write calls all 2,000 service servers, and a call is slow only once in ten thousand (100 per million). Still, almost one request in five that fans out meets a slow call: 232 of 1,339 (17 %), where 1 − (1 − p)^k says 18 %, and p99 is 1,065 ms while every tier is nearly idle, the web tier busiest at 2 %. At this width a rare hiccup is the common case.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=30000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=2&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=2000&fanout=2000&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=3000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=100&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "The cache is flushed",
        lesson: "Four cache nodes hold 60,000 of the 100,000 keys, and Che's approximation gives a warm cache 90 % of reads, so a database primary of 4 workers keeps up with the misses. At 20 s every cache node is emptied: every read misses at once, the primary's queue grows to 122,424 jobs, and its answers come back after their clients gave up. 182,487 reads are served for nobody, 124,116 retries pile on, and 58,403 requests time out. The cache refills too slowly to help (50 % of reads hit over the run): the primary stays saturated to the end, a failure that sustains itself.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=flush&dcmode=passive&users=5000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=4&cachekeys=60000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=4&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Coalesced misses",
        lesson: "The same flush, but concurrent misses of one key wait for a single database read. 86,797 misses are coalesced, the primary's longest queue is 30,687 jobs instead of 122,424, and 48,848 requests time out instead of 58,403: it helps, but the primary still cannot catch up.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=flush&dcmode=passive&users=5000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=4&cachekeys=60000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=4&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=1&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Shedding ends the thundering herd",
        lesson: "The same flush, but every server refuses work while 100 jobs wait. The primary's answers now come back in time, so they fill the cache (72 % of reads hit over the run), and the herd is over within seconds: 3,797 requests are refused after their retries instead of 58,403 timing out, none times out, and p99 is 162 ms.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=flush&dcmode=passive&users=5000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=4&cachekeys=60000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=0&dbworkers=4&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=100&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A spike outruns the autoscaler",
        lesson: "The cache step's 12 web servers at 3,000,000 users, with an autoscaler that aims at 50 % and decides every 5 s, and then traffic triples for 30 s. The autoscaler asks for servers within seconds, but each takes 30 s to warm up: by the time they take requests, the web servers' queues hold work whose clients have left, and they never catch up. 498,517 of 1,048,816 requests time out, and p99 is 2,195 ms.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=90&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=50&warmup=30&scalemin=12&scalemax=40&scaleevery=5&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=2&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=20&spike=30&spikex=3&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "A fast warm-up keeps up",
        lesson: "The same spike, but a new web server takes requests 5 s after it is asked for. The web tier grows while the spike lasts, up to 40 servers, and shrinks back after it: only 10,795 requests time out, while the first new servers warm up.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=none&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=90&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=50&warmup=5&scalemin=12&scalemax=40&scaleevery=5&cdn=0&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=2&replicas=0&dbworkers=8&lag=100&dcs=1&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=20&spike=30&spikex=3&slo=300&sloerrors=10&seed=42",
    },
    Preset {
        name: "Active-passive: the datacenter is lost",
        lesson: "Two datacenters, active-passive: US East serves every user while a standby in Europe holds 12 web servers, a cache and a replica. At 20 s US East is lost. Until routing moves the users 10 s later, 29,063 requests fail after their retries, and the 21 writes the primary acknowledged in its last 100 ms never reached the replica promoted in Europe. Then everyone is served from Europe, 80 ms farther away: p99 over the run is 154 ms.",
        query: "v=1&db=separate&lb=rr&sessions=shared&backoff=jitter&fault=dc&dcmode=passive&users=3000000&regions=1&perday=100&peak=200&hour=1&seconds=60&static=65&read=30&write=3&login=2&keys=100000&alpha=90&objects=10000&web=12&workers=8&scale=0&warmup=30&scalemin=2&scalemax=20&scaleevery=10&cdn=6000&cache=2&cachekeys=15000&cacheworkers=8&services=0&fanout=1&svcworkers=16&bus=0&shards=1&replicas=1&dbworkers=8&lag=100&dcs=2&timeout=1000&retries=2&backoffms=100&queue=0&breaker=0&coalesce=0&hedge=0&ryw=0&shardbyuser=0&slowppm=0&slowms=1000&followup=50&faultat=20&failover=10&spikeat=30&spike=0&spikex=10&slo=300&sloerrors=10&seed=42",
    },
];

/// The tier each preset's lesson names as its bottleneck, in [`PRESETS`] order.
pub const BOTTLENECKS: [Tier; 21] = [
    Tier::Server,
    Tier::Web,
    Tier::Primary,
    Tier::Web,
    Tier::Primary,
    Tier::Primary,
    Tier::Web,
    Tier::Bus,
    Tier::Bus,
    Tier::Primary,
    Tier::Primary,
    Tier::Web,
    Tier::Services,
    Tier::Services,
    Tier::Web,
    Tier::Primary,
    Tier::Primary,
    Tier::Primary,
    Tier::Web,
    Tier::Web,
    Tier::Primary,
];
