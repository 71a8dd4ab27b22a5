//! Property tests for the HTTP response parser: whatever the bytes, and
//! however they are split into reads, it returns a response or an error and
//! never panics; and valid responses survive any split.

use ch07_fetch::http::{parse_complete, Limits, ParseError, Response, ResponseParser};
use proptest::prelude::*;

/// Feeds `bytes` in pieces ending at `cuts` (positions, any order, any
/// count), then signals the end of the connection if needed.
fn parse_in_pieces(bytes: &[u8], cuts: &[usize], limits: Limits) -> Result<Response, ParseError> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.push(bytes.len());
    cuts.sort_unstable();
    let mut parser = ResponseParser::new(limits);
    let mut start = 0;
    for cut in cuts {
        if let Some(response) = parser.feed(&bytes[start..cut])? {
            return Ok(response);
        }
        start = cut;
    }
    parser.eof()
}

/// Small limits, so random inputs reach them often.
fn small_limits() -> Limits {
    Limits {
        max_head: 512,
        max_headers: 8,
        max_body: 1024,
    }
}

/// Bytes that look enough like a response to get past the status line often:
/// a valid or nearly valid head, then random bytes.
fn responseish() -> impl Strategy<Value = Vec<u8>> {
    let head = prop_oneof![
        Just("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".to_string()),
        Just("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_string()),
        Just("HTTP/1.0 404 Not Found\r\n\r\n".to_string()),
        Just("HTTP/1.1 200 OK\r\n".to_string()),
        Just("HTTP/1.1 ".to_string()),
        Just(String::new()),
    ];
    let tail = prop::collection::vec(
        prop_oneof![
            4 => any::<u8>(),
            2 => prop::sample::select(b"\r\n0123456789abcdefABCDEF:; ".to_vec()),
        ],
        0..600,
    );
    (head, tail).prop_map(|(head, tail)| {
        let mut bytes = head.into_bytes();
        bytes.extend(tail);
        bytes
    })
}

#[derive(Debug, Clone)]
enum Framing {
    Length,
    /// The body cut into chunks at these positions.
    Chunked(Vec<usize>),
    UntilClose,
}

#[derive(Debug, Clone)]
struct Valid {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    framing: Framing,
}

impl Valid {
    fn encode(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason).into_bytes();
        for (name, value) in &self.headers {
            out.extend(format!("{name}: {value}\r\n").bytes());
        }
        match &self.framing {
            Framing::Length => {
                out.extend(format!("Content-Length: {}\r\n\r\n", self.body.len()).bytes());
                out.extend(&self.body);
            }
            Framing::Chunked(cuts) => {
                out.extend(b"Transfer-Encoding: chunked\r\n\r\n");
                let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (self.body.len() + 1)).collect();
                cuts.push(self.body.len());
                cuts.sort_unstable();
                cuts.dedup();
                let mut start = 0;
                for cut in cuts {
                    if cut > start {
                        out.extend(format!("{:x}\r\n", cut - start).bytes());
                        out.extend(&self.body[start..cut]);
                        out.extend(b"\r\n");
                        start = cut;
                    }
                }
                out.extend(b"0\r\n\r\n");
            }
            Framing::UntilClose => {
                out.extend(b"\r\n");
                out.extend(&self.body);
            }
        }
        out
    }
}

fn valid_response() -> impl Strategy<Value = Valid> {
    let status = (200u16..600).prop_filter("no body by definition", |s| *s != 204 && *s != 304);
    let header = ("X-[A-Za-z0-9-]{1,12}", "[ -~]{0,30}")
        .prop_map(|(name, value)| (name, value.trim().to_string()));
    let framing = prop_oneof![
        Just(Framing::Length),
        prop::collection::vec(any::<usize>(), 0..6).prop_map(Framing::Chunked),
        Just(Framing::UntilClose),
    ];
    (
        status,
        "[A-Za-z ]{0,20}",
        prop::collection::vec(header, 0..6),
        prop::collection::vec(any::<u8>(), 0..1000),
        framing,
    )
        .prop_map(|(status, reason, headers, body, framing)| Valid {
            status,
            reason,
            headers,
            body,
            framing,
        })
}

// Each case runs under a testkit timeout: a parser loop that never ends
// must fail the test, not hang it.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_give_an_error_or_a_response_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..800),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        testkit::timeout(move || -> Result<(), TestCaseError> {
            let _ = parse_in_pieces(&bytes, &cuts, small_limits());
            Ok(())
        })?;
    }

    #[test]
    fn how_the_bytes_are_split_does_not_change_the_outcome(
        bytes in responseish(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        testkit::timeout(move || -> Result<(), TestCaseError> {
            prop_assert_eq!(
                parse_in_pieces(&bytes, &cuts, small_limits()),
                parse_complete(&bytes, small_limits())
            );
            Ok(())
        })?;
    }

    #[test]
    fn valid_responses_parse_back_whatever_the_split(
        valid in valid_response(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        testkit::timeout(move || -> Result<(), TestCaseError> {
            let bytes = valid.encode();
            let response = parse_in_pieces(&bytes, &cuts, Limits::default()).unwrap();
            prop_assert_eq!(response.status, valid.status);
            prop_assert_eq!(response.reason, valid.reason.clone());
            prop_assert_eq!(response.body, valid.body.clone());
            for (name, value) in &valid.headers {
                prop_assert!(response.headers.contains(&(name.clone(), value.clone())));
            }
            Ok(())
        })?;
    }

    #[test]
    fn a_truncated_response_is_an_error_not_a_panic(
        valid in valid_response(),
        keep in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        testkit::timeout(move || -> Result<(), TestCaseError> {
            let bytes = valid.encode();
            let keep = keep.index(bytes.len());
            let result = parse_in_pieces(&bytes[..keep], &cuts, Limits::default());
            match valid.framing {
                // Without a length, a cut inside the body is indistinguishable
                // from a shorter body; only a cut inside the head is an error.
                Framing::UntilClose => {
                    if let Ok(response) = result {
                        prop_assert!(valid.body.starts_with(&response.body));
                    }
                }
                _ => prop_assert!(
                    matches!(result, Err(ParseError::Truncated(_))),
                    "cut at {} of {}: {:?}", keep, bytes.len(), result
                ),
            }
            Ok(())
        })?;
    }

    #[test]
    fn bodies_over_the_limit_are_refused(
        mut valid in valid_response(),
        extra in 1usize..100,
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        testkit::timeout(move || -> Result<(), TestCaseError> {
            let limits = small_limits();
            valid.body = vec![b'x'; limits.max_body + extra];
            let result = parse_in_pieces(&valid.encode(), &cuts, limits);
            prop_assert_eq!(result, Err(ParseError::BodyTooLarge { limit: limits.max_body }));
            Ok(())
        })?;
    }
}
