//! Repository operations, written once over [`Conn`](crate::Conn) and run on both backends.

mod accreditation;
mod assessments;
mod assignments;
mod audit;
mod awards;
mod credentials;
mod frameworks;
mod icd11;
mod jobs;
mod lrs;
mod lrs_attachments;
mod lrs_docs;
mod metrics;
mod modules;
mod notifications;
mod orgs;
mod reviews;
mod sessions;
mod stacks;
mod teams;
mod tokens;
mod users;
mod workforce;
mod xapi_evidence;

pub use accreditation::{
    AccreditationRow, AccreditedVersionRow, EndorsementRow, NewAccreditationRow, NewSubmissionRow,
    ReviewerRow, StandardRow, SubmissionRow, TrustedEntityRow,
};
pub use assessments::{
    AssessmentRow, AttemptRow, AttemptScore, BankItemRow, BankQuery, ItemRow, ItemVersionRow,
};
pub use assignments::{AssignmentQuery, AssignmentRow, NewAssignmentRow, TeamProgressRow};
pub use audit::AuditPage;
pub use awards::{AttemptFact, AwardRow, CompletionFact, EvidenceFact};
pub use credentials::{NewCredential, SigningKeyRow, StatusListRow};
pub use frameworks::{
    AssociationRow, CompetencyRow, DefinitionRow, FrameworkRow, LevelRow, ScaleRow,
};
pub use icd11::{ICD11_SEARCH_MAX_WORDS, Icd11Counts, Icd11Entity, Icd11Release};
pub use jobs::{JobRow, NewJobRow};
pub use lrs::{
    LrsKeyAuthRow, LrsKeyRow, NewStatementRow, OBJECT_AGENT_REF, StatementFilter, StatementRow,
};
pub use lrs_attachments::AttachmentRow;
pub use lrs_docs::{DocScope, DocumentRow, DocumentStamp};
pub use metrics::Backlog;
pub use modules::{
    CatalogQuery, CatalogRow, CatalogSort, ModuleRow, ModuleVersionRow, ProgressRow, SearchText,
    fts5_query,
};
pub use notifications::NotificationRow;
pub use orgs::MemberRow;
pub use reviews::{
    AssessorCandidate, DoubleMarkedRow, EvidenceFileMeta, EvidenceFileRow, EvidenceRow, QueueRow,
    ReviewRow, RubricRow, UnassignedRow,
};
pub use sessions::SessionRow;
pub use stacks::{ExpiringRow, HeldRow, StackSpecRow};
pub use teams::TeamSummary;
pub use users::SignInFacts;
pub use workforce::{RoleProfileRow, ShareRow, VisibleAchievementRow, VisibleHeldRow, WorkerRow};
pub use xapi_evidence::LearnerStatementRow;
