//! `cargo bench -p ch08-channels --bench channels [-- --samples N]`
//!
//! Our channels against tokio's, each on our runtime (chapter 6's) and on
//! tokio's, 2 workers each. tokio's sync types only store and call wakers,
//! so they run on any executor. Two workloads:
//!
//! - ping_pong: 1,000 pairs of tasks, each pair one message each way over
//!   oneshot channels (tokio's `rt_multi_threaded` benchmark, NUM_PINGS).
//! - mpsc: 4 producers send 10,000 values each through a bounded channel
//!   of capacity 64 to one consumer task: throughput under back-pressure.
//!
//! Every sample of every combination is taken in turn, round after round,
//! so a noisy moment on the machine is spread over all of them. Prints the
//! median of each and the ratio ours / tokio's on the same runtime.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WORKERS: usize = 2;
const PAIRS: usize = 1_000;
const PRODUCERS: u64 = 4;
const PER_PRODUCER: u64 = 10_000;
const CAPACITY: usize = 64;

trait Rt: Sized {
    const NAME: &'static str;
    fn start() -> Self;
    fn block_on<F: Future>(&self, future: F) -> F::Output;
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F);
}

struct Ours(ch08_channels::Runtime);
struct Tokio(tokio::runtime::Runtime);

impl Rt for Ours {
    const NAME: &'static str = "our runtime";
    fn start() -> Self {
        Ours(ch08_channels::Runtime::new(WORKERS))
    }
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(ch08_channels::spawn(future));
    }
}

impl Rt for Tokio {
    const NAME: &'static str = "tokio runtime";
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("tokio starts");
        Tokio(runtime)
    }
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }
    fn spawn<F: Future<Output = ()> + Send + 'static>(future: F) {
        drop(tokio::spawn(future));
    }
}

/// One family of channels, seen through the calls the workloads make.
trait Channels {
    const NAME: &'static str;
    type OneTx: Send + 'static;
    type OneRx: Send + 'static;
    type Tx: Clone + Send + Sync + 'static;
    type Rx: Send + 'static;
    fn oneshot() -> (Self::OneTx, Self::OneRx);
    fn send_one(tx: Self::OneTx, value: u64) -> bool;
    fn recv_one(rx: Self::OneRx) -> impl Future<Output = Option<u64>> + Send;
    fn mpsc() -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, value: u64) -> impl Future<Output = bool> + Send + '_;
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Option<u64>> + Send + '_;
}

struct OurChannels;
struct TokioChannels;

impl Channels for OurChannels {
    const NAME: &'static str = "ours";
    type OneTx = ch08_channels::oneshot::Sender<u64>;
    type OneRx = ch08_channels::oneshot::Receiver<u64>;
    type Tx = ch08_channels::mpsc::Sender<u64>;
    type Rx = ch08_channels::mpsc::Receiver<u64>;
    fn oneshot() -> (Self::OneTx, Self::OneRx) {
        ch08_channels::oneshot::channel()
    }
    fn send_one(tx: Self::OneTx, value: u64) -> bool {
        tx.send(value).is_ok()
    }
    async fn recv_one(rx: Self::OneRx) -> Option<u64> {
        rx.await.ok()
    }
    fn mpsc() -> (Self::Tx, Self::Rx) {
        ch08_channels::mpsc::channel(CAPACITY)
    }
    async fn send(tx: &Self::Tx, value: u64) -> bool {
        tx.send(value).await.is_ok()
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
}

impl Channels for TokioChannels {
    const NAME: &'static str = "tokio";
    type OneTx = tokio::sync::oneshot::Sender<u64>;
    type OneRx = tokio::sync::oneshot::Receiver<u64>;
    type Tx = tokio::sync::mpsc::Sender<u64>;
    type Rx = tokio::sync::mpsc::Receiver<u64>;
    fn oneshot() -> (Self::OneTx, Self::OneRx) {
        tokio::sync::oneshot::channel()
    }
    fn send_one(tx: Self::OneTx, value: u64) -> bool {
        tx.send(value).is_ok()
    }
    async fn recv_one(rx: Self::OneRx) -> Option<u64> {
        rx.await.ok()
    }
    fn mpsc() -> (Self::Tx, Self::Rx) {
        tokio::sync::mpsc::channel(CAPACITY)
    }
    async fn send(tx: &Self::Tx, value: u64) -> bool {
        tx.send(value).await.is_ok()
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
}

/// 1,000 pairs; the last pair to finish reports over a oneshot.
async fn ping_pong<R: Rt, C: Channels>() {
    let left = Arc::new(AtomicUsize::new(PAIRS));
    let (done, finished) = C::oneshot();
    let done = Arc::new(std::sync::Mutex::new(Some(done)));
    for _ in 0..PAIRS {
        let (left, done) = (left.clone(), done.clone());
        R::spawn(async move {
            let (ping, pinged) = C::oneshot();
            let (pong, ponged) = C::oneshot();
            R::spawn(async move {
                let value = C::recv_one(pinged).await.expect("ping arrives");
                assert!(C::send_one(pong, value + 1), "pong is awaited");
            });
            assert!(C::send_one(ping, 1), "ping is awaited");
            assert_eq!(C::recv_one(ponged).await, Some(2));
            if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                let done = done.lock().expect("no panics holding it").take();
                C::send_one(done.expect("the last pair reports once"), 0);
            }
        });
    }
    assert_eq!(C::recv_one(finished).await, Some(0));
}

/// 4 producers × 10,000 values through capacity 64; the consumer task
/// checks the sum and reports it over a oneshot.
async fn mpsc<R: Rt, C: Channels>() {
    let (tx, mut rx) = C::mpsc();
    let (report, reported) = C::oneshot();
    R::spawn(async move {
        let mut sum = 0;
        while let Some(value) = C::recv(&mut rx).await {
            sum += value;
        }
        C::send_one(report, sum);
    });
    for _ in 0..PRODUCERS {
        let tx = tx.clone();
        R::spawn(async move {
            for i in 0..PER_PRODUCER {
                assert!(C::send(&tx, i).await, "the consumer is there");
            }
        });
    }
    drop(tx);
    let expected = PRODUCERS * PER_PRODUCER * (PER_PRODUCER - 1) / 2;
    assert_eq!(C::recv_one(reported).await, Some(expected));
}

type Sample = Box<dyn Fn() -> Duration>;

fn sampler<R: Rt + 'static, F: Future<Output = ()> + 'static>(make: fn() -> F) -> Sample {
    let runtime = R::start();
    Box::new(move || {
        let start = Instant::now();
        runtime.block_on(make());
        start.elapsed()
    })
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; only `--samples N` is ours.
    let samples = args
        .iter()
        .position(|a| a == "--samples")
        .and_then(|i| args.get(i + 1)?.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);
    let workloads: [(&str, [(String, Sample); 4]); 2] = [
        (
            "ping_pong",
            [
                combo::<Ours, TokioChannels>(sampler::<Ours, _>(ping_pong::<Ours, TokioChannels>)),
                combo::<Ours, OurChannels>(sampler::<Ours, _>(ping_pong::<Ours, OurChannels>)),
                combo::<Tokio, TokioChannels>(sampler::<Tokio, _>(
                    ping_pong::<Tokio, TokioChannels>,
                )),
                combo::<Tokio, OurChannels>(sampler::<Tokio, _>(ping_pong::<Tokio, OurChannels>)),
            ],
        ),
        (
            "mpsc",
            [
                combo::<Ours, TokioChannels>(sampler::<Ours, _>(mpsc::<Ours, TokioChannels>)),
                combo::<Ours, OurChannels>(sampler::<Ours, _>(mpsc::<Ours, OurChannels>)),
                combo::<Tokio, TokioChannels>(sampler::<Tokio, _>(mpsc::<Tokio, TokioChannels>)),
                combo::<Tokio, OurChannels>(sampler::<Tokio, _>(mpsc::<Tokio, OurChannels>)),
            ],
        ),
    ];
    println!("{WORKERS} workers, {samples} samples each (after 2 warm-up runs), medians:");
    println!(
        "{:<10} {:<14} {:>16} {:>16} {:>12}",
        "workload", "runtime", "tokio channels", "our channels", "ours/tokio"
    );
    for (name, combos) in &workloads {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); combos.len()];
        for _ in 0..2 {
            for (_, run) in combos {
                run();
            }
        }
        for _ in 0..samples {
            for (i, (_, run)) in combos.iter().enumerate() {
                times[i].push(run());
            }
        }
        let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
        for (runtime, pair) in [(Ours::NAME, 0), (Tokio::NAME, 2)] {
            let (theirs, ours) = (medians[pair], medians[pair + 1]);
            println!(
                "{:<10} {:<14} {:>16.2?} {:>16.2?} {:>12.2}",
                name,
                runtime,
                theirs,
                ours,
                ours.as_secs_f64() / theirs.as_secs_f64()
            );
        }
    }
}

fn combo<R: Rt, C: Channels>(run: Sample) -> (String, Sample) {
    (format!("{} channels on {}", C::NAME, R::NAME), run)
}
