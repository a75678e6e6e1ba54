use time::Duration;

/// How hard password hashing works. Production uses the OWASP-recommended Argon2id
/// parameters; tests may lower them so that hundreds of sign-ins stay fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl PasswordCost {
    pub const STANDARD: PasswordCost = PasswordCost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    /// For tests only: fast, and still a real Argon2id hash.
    pub const TEST: PasswordCost = PasswordCost {
        memory_kib: 256,
        iterations: 1,
    };
}

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub session_ttl: Duration,
    /// Failed sign-ins in a row that lock an account.
    pub lockout_after: i32,
    pub lockout_for: Duration,
    pub password_cost: PasswordCost,
    /// Sign-in attempts one client address may make per window.
    pub sign_in_attempts_per_window: u32,
    pub sign_in_window: std::time::Duration,
    /// Public verifications (the VC API and the verify page) one client address may ask
    /// for per minute, per server; 0: no limit. Verification costs real work (canonical
    /// RDF, signatures), so an anonymous caller cannot occupy the server with it.
    pub verifications_per_minute: u32,
    /// How people and other systems reach this server, without a trailing slash, e.g.
    /// `https://cairn.example.org`. Credential ids, did:web identifiers and status list
    /// URLs are made from it, so it must stay stable once credentials are issued.
    pub public_url: String,
    /// Seals issuers' signing keys; without it the server verifies but cannot sign.
    pub master_key: Option<crate::keys::MasterKey>,
    /// Sign an award's credential in the request that decided it (the outbox worker
    /// signs whatever is left). Off, only the worker signs: tests use it to hold an award
    /// between its decision and its signing, the window a crash would leave.
    pub sign_awards_inline: bool,
    /// Where notifications are e-mailed; none: they are shown in the app only.
    pub smtp: Option<crate::notify::SmtpConfig>,
    /// The issuing organization (by slug) that signs what the platform itself assembles,
    /// such as a learner's CLR transcript; none: transcripts cannot be signed.
    pub platform_issuer: Option<String>,
    /// The time validity is judged by (accreditation lapses, catalog flags, verification).
    pub clock: Clock,
}

/// Real time, which tests may move to see what happens when periods end. Clones share one
/// offset.
#[derive(Debug, Clone, Default)]
pub struct Clock(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl Clock {
    /// Now, at the precision the databases keep, plus any offset a test set.
    pub fn now(&self) -> time::OffsetDateTime {
        let offset = self.0.load(std::sync::atomic::Ordering::Relaxed);
        crate::now() + Duration::seconds(offset)
    }

    /// Move this clock (by a negative duration: back). Tests move it to see periods end;
    /// the demo moves a copy back to make decisions whose periods have already ended, as
    /// they would have been made. Serving never moves it.
    pub fn advance(&self, by: Duration) {
        self.0
            .fetch_add(by.whole_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(12),
            lockout_after: 5,
            lockout_for: Duration::minutes(15),
            password_cost: PasswordCost::STANDARD,
            sign_in_attempts_per_window: 30,
            sign_in_window: std::time::Duration::from_secs(300),
            verifications_per_minute: 600,
            public_url: "http://127.0.0.1:8080".into(),
            master_key: None,
            sign_awards_inline: true,
            smtp: None,
            platform_issuer: None,
            clock: Clock::default(),
        }
    }
}

impl AppConfig {
    /// Fast password hashing and a fixed master key, for tests only.
    pub fn for_tests() -> Self {
        Self {
            password_cost: PasswordCost::TEST,
            master_key: Some(crate::keys::MasterKey::from_bytes([7; 32])),
            ..Self::default()
        }
    }
}
