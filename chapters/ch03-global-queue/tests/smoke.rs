use ch03_global_queue::{spawn, yield_now, Runtime};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn smoke() {
    testkit::timeout(|| {
        let rt = Runtime::new(2);
        let n = Arc::new(AtomicUsize::new(0));
        let total = rt.block_on({
            let n = n.clone();
            async move {
                let hs: Vec<_> = (0..10_000u64)
                    .map(|i| {
                        let n = n.clone();
                        spawn(async move {
                            yield_now().await;
                            n.fetch_add(1, Ordering::Relaxed);
                            i
                        })
                    })
                    .collect();
                let mut s = 0;
                for h in hs {
                    s += h.await.unwrap();
                }
                s
            }
        });
        assert_eq!(total, (0..10_000u64).sum::<u64>());
        let err = rt.block_on(async { spawn(async { panic!("boom") }).await.unwrap_err() });
        assert_eq!(err.panic_message(), Some("boom"));
        assert_eq!(rt.handle().live_tasks(), 0);
        println!("{:?}", rt.stats());
    })
}
