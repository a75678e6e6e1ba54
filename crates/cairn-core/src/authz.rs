//! The one place that answers "may this principal do X in organization Y?".
//!
//! Handlers and use cases never reason about roles themselves: they name an [`Action`] and
//! ask [`authorize`]. The policy is a table ([`Action::allowed_roles`]) so that it can be
//! read, reviewed and enumerated by tests.

use serde::Serialize;
use uuid::Uuid;

use crate::entities::Role;

/// Who is acting: a signed-in person or an API token, with the roles they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub is_operator: bool,
    /// (organization, role) pairs. A token holds exactly one.
    pub grants: Vec<(Uuid, Role)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum PrincipalKind {
    User {
        user_id: Uuid,
    },
    Token {
        token_id: Uuid,
    },
    /// The command line on the server's own machine: whoever can run it can already read
    /// the database and the keys, so it acts as the platform itself.
    System,
}

impl Principal {
    pub fn user_id(&self) -> Option<Uuid> {
        match self.kind {
            PrincipalKind::User { user_id } => Some(user_id),
            PrincipalKind::Token { .. } | PrincipalKind::System => None,
        }
    }

    pub fn system() -> Self {
        Principal {
            kind: PrincipalKind::System,
            is_operator: true,
            grants: Vec::new(),
        }
    }

    /// How the audit log names this principal.
    pub fn actor(&self) -> String {
        match self.kind {
            PrincipalKind::User { user_id } => format!("user:{user_id}"),
            PrincipalKind::Token { token_id } => format!("token:{token_id}"),
            PrincipalKind::System => "system".to_owned(),
        }
    }

    pub fn roles_in(&self, org: Uuid) -> impl Iterator<Item = Role> + '_ {
        self.grants
            .iter()
            .filter(move |(o, _)| *o == org)
            .map(|(_, r)| *r)
    }

    pub fn is_member_of(&self, org: Uuid) -> bool {
        self.roles_in(org).next().is_some()
    }

    pub fn may(&self, action: Action, org: Option<Uuid>) -> bool {
        authorize(self, action, org).is_ok()
    }
}

/// Everything a principal can ask to do. Later capabilities add their actions here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create an organization on the platform.
    OrgCreate,
    /// See every organization on the platform, not only one's own.
    OrgListAll,
    /// Create accounts and set passwords for others.
    UserManage,
    OrgView,
    OrgUpdate,
    MemberList,
    MemberManage,
    TeamView,
    TeamManage,
    TokenManage,
    AuditView,
    /// Define what can be earned.
    AchievementManage,
    /// Sign and issue credentials in the organization's name.
    CredentialIssue,
    /// See the organization's issued credentials.
    CredentialList,
    /// Revoke, suspend or reinstate credentials.
    CredentialStatusChange,
    /// Rotate the organization's signing key.
    KeyManage,
    /// Write, edit and publish the organization's micro-learning modules.
    ModuleAuthor,
    /// Import competency frameworks into the organization.
    FrameworkManage,
    ItemBankManage,
    AssessmentManage,
    RubricManage,
    EvidenceReview,
    ReviewStatsView,
    AwardView,
    WorkforceView,
    RoleProfileManage,
    AssignmentManage,
    /// Submit the provider's module versions for accreditation, declare minor changes and
    /// answer conditions.
    AccreditationSubmit,
    /// Keep the accreditor's review standards.
    StandardManage,
    /// Run the accreditor's queue: assign reviewers, decide, withdraw, confirm conditions.
    AccreditationDecide,
    /// Score a submission one is assigned to against the standard.
    AccreditationReview,
    /// Keep the platform's registry of recognized accreditors and issuers.
    RegistryManage,
}

/// Whether an action concerns the whole platform or one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Platform,
    Organization,
}

impl Action {
    pub const ALL: [Action; 32] = [
        Action::OrgCreate,
        Action::OrgListAll,
        Action::UserManage,
        Action::OrgView,
        Action::OrgUpdate,
        Action::MemberList,
        Action::MemberManage,
        Action::TeamView,
        Action::TeamManage,
        Action::TokenManage,
        Action::AuditView,
        Action::AchievementManage,
        Action::CredentialIssue,
        Action::CredentialList,
        Action::CredentialStatusChange,
        Action::KeyManage,
        Action::ModuleAuthor,
        Action::FrameworkManage,
        Action::ItemBankManage,
        Action::AssessmentManage,
        Action::RubricManage,
        Action::EvidenceReview,
        Action::ReviewStatsView,
        Action::AwardView,
        Action::WorkforceView,
        Action::RoleProfileManage,
        Action::AssignmentManage,
        Action::AccreditationSubmit,
        Action::StandardManage,
        Action::AccreditationDecide,
        Action::AccreditationReview,
        Action::RegistryManage,
    ];

    pub fn scope(self) -> Scope {
        match self {
            Action::OrgCreate
            | Action::OrgListAll
            | Action::UserManage
            | Action::RegistryManage => Scope::Platform,
            _ => Scope::Organization,
        }
    }

    /// The policy table: which permission roles within the organization allow the action.
    /// Platform actions are for operators only and list no roles.
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::OrgCreate
            | Action::OrgListAll
            | Action::UserManage
            | Action::RegistryManage => &[],
            Action::OrgView => &[Admin, Manager, Author, Assessor, Reviewer, Learner],
            Action::OrgUpdate
            | Action::MemberManage
            | Action::TokenManage
            | Action::AuditView
            | Action::AchievementManage
            | Action::CredentialIssue
            | Action::CredentialStatusChange
            | Action::KeyManage => &[Admin],
            Action::CredentialList => &[Admin, Assessor],
            Action::FrameworkManage => &[Admin, Author],
            Action::ModuleAuthor => &[Admin, Author],
            // A provider's item banks, assessments and rubrics are its authors' work.
            Action::ItemBankManage | Action::AssessmentManage | Action::RubricManage => {
                &[Admin, Author]
            }
            // Only assessors mark: an admin who should mark is given the assessor role too,
            // so that who may judge learners' work is a deliberate grant.
            Action::EvidenceReview => &[Assessor],
            Action::ReviewStatsView => &[Admin, Author, Assessor],
            Action::AwardView => &[Admin],
            Action::MemberList | Action::TeamView | Action::TeamManage => &[Admin, Manager],
            // What a manager sees of workers is bounded by the workers' own consent (what
            // they shared with the organization), not by a wider role.
            Action::WorkforceView | Action::RoleProfileManage | Action::AssignmentManage => {
                &[Admin, Manager]
            }
            Action::AccreditationSubmit => &[Admin, Author],
            Action::StandardManage | Action::AccreditationDecide => &[Admin],
            // Like marking learners' work: only those given the reviewer role score
            // submissions, so an accreditor's admin reviews only when also made a reviewer.
            Action::AccreditationReview => &[Reviewer],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::OrgCreate => "create organizations",
            Action::OrgListAll => "list every organization",
            Action::UserManage => "create accounts or set other people's passwords",
            Action::OrgView => "view this organization",
            Action::OrgUpdate => "change this organization",
            Action::MemberList => "list this organization's members",
            Action::MemberManage => "add or remove members",
            Action::TeamView => "view teams",
            Action::TeamManage => "manage teams",
            Action::TokenManage => "manage API tokens",
            Action::AuditView => "read the audit log",
            Action::AchievementManage => "define achievements",
            Action::CredentialIssue => "issue credentials",
            Action::CredentialList => "list issued credentials",
            Action::CredentialStatusChange => "revoke, suspend or reinstate credentials",
            Action::KeyManage => "manage signing keys",
            Action::FrameworkManage => "import competency frameworks",
            Action::ModuleAuthor => "write and publish modules",
            Action::ItemBankManage => "write items in the item bank",
            Action::AssessmentManage => "set up assessments",
            Action::RubricManage => "write rubrics",
            Action::EvidenceReview => "review learners' evidence",
            Action::ReviewStatsView => "see assessors' agreement statistics",
            Action::AwardView => "see awards and their signing queue",
            Action::WorkforceView => "see workers' competencies, gaps and readiness",
            Action::RoleProfileManage => "define role profiles",
            Action::AssignmentManage => "assign learning to workers",
            Action::AccreditationSubmit => "submit modules for accreditation",
            Action::StandardManage => "keep review standards",
            Action::AccreditationDecide => "assign reviewers and decide accreditation",
            Action::AccreditationReview => "review modules for accreditation",
            Action::RegistryManage => "keep the registry of recognized accreditors and issuers",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("only a platform operator may {0}")]
    NotOperator(&'static str),
    #[error("you are not a member of this organization")]
    NotAMember,
    #[error("to {action} you need one of these roles in the organization: {needed}")]
    MissingRole {
        action: &'static str,
        needed: String,
    },
    #[error("this action needs an organization")]
    NoOrganization,
}

/// Decide whether `principal` may perform `action`, in `org` for organization actions.
pub fn authorize(principal: &Principal, action: Action, org: Option<Uuid>) -> Result<(), Denied> {
    if principal.kind == PrincipalKind::System {
        return Ok(());
    }
    match action.scope() {
        Scope::Platform => {
            if principal.is_operator {
                Ok(())
            } else {
                Err(Denied::NotOperator(action.describe()))
            }
        }
        Scope::Organization => {
            let org = org.ok_or(Denied::NoOrganization)?;
            let allowed = action.allowed_roles();
            let mut member = false;
            for role in principal.roles_in(org) {
                member = true;
                if allowed.contains(&role) {
                    return Ok(());
                }
            }
            if member {
                Err(Denied::MissingRole {
                    action: action.describe(),
                    needed: allowed
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            } else {
                Err(Denied::NotAMember)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(grants: Vec<(Uuid, Role)>) -> Principal {
        Principal {
            kind: PrincipalKind::User {
                user_id: Uuid::from_u128(1),
            },
            is_operator: false,
            grants,
        }
    }

    #[test]
    fn admin_may_do_everything_but_judge_work_in_their_own_organization_only() {
        let a = Uuid::from_u128(10);
        let b = Uuid::from_u128(11);
        let p = user(vec![(a, Role::Admin)]);
        for action in Action::ALL {
            if PROFESSIONAL.contains(&action) {
                assert!(!p.may(action, Some(a)), "{action:?}");
            } else if action.scope() == Scope::Organization {
                assert!(p.may(action, Some(a)), "{action:?}");
                assert_eq!(authorize(&p, action, Some(b)), Err(Denied::NotAMember));
            } else {
                assert!(!p.may(action, None));
            }
        }
    }

    #[test]
    fn learner_may_only_view() {
        let a = Uuid::from_u128(10);
        let p = user(vec![(a, Role::Learner)]);
        assert!(p.may(Action::OrgView, Some(a)));
        let err = authorize(&p, Action::MemberManage, Some(a)).unwrap_err();
        assert!(err.to_string().contains("admin"), "{err}");
    }

    #[test]
    fn roles_combine_across_grants() {
        let a = Uuid::from_u128(10);
        let p = user(vec![(a, Role::Learner), (a, Role::Manager)]);
        assert!(p.may(Action::MemberList, Some(a)));
        assert!(!p.may(Action::TokenManage, Some(a)));
    }

    #[test]
    fn operators_hold_platform_actions_but_no_organization_roles() {
        let a = Uuid::from_u128(10);
        let mut p = user(vec![]);
        p.is_operator = true;
        assert!(p.may(Action::OrgCreate, None));
        assert!(!p.may(Action::MemberManage, Some(a)));
    }

    #[test]
    fn the_system_principal_may_do_anything() {
        let p = Principal::system();
        for a in Action::ALL {
            assert!(p.may(a, Some(Uuid::from_u128(5))), "{a:?}");
        }
    }

    #[test]
    fn organization_action_without_organization_is_denied() {
        let p = user(vec![(Uuid::from_u128(1), Role::Admin)]);
        assert_eq!(
            authorize(&p, Action::OrgView, None),
            Err(Denied::NoOrganization)
        );
    }

    /// Judging learners' work and reviewing modules for accreditation are the organization
    /// actions an admin does not hold by virtue of administering: they need the assessor or
    /// reviewer role, granted deliberately.
    const PROFESSIONAL: &[Action] = &[Action::EvidenceReview, Action::AccreditationReview];

    #[test]
    fn every_organization_action_but_judging_work_is_allowed_to_admin() {
        for a in Action::ALL {
            if PROFESSIONAL.contains(&a) {
                assert_eq!(a.allowed_roles().len(), 1, "{a:?}");
                assert!(!a.allowed_roles().contains(&Role::Admin), "{a:?}");
            } else if a.scope() == Scope::Organization {
                assert!(a.allowed_roles().contains(&Role::Admin), "{a:?}");
            } else {
                assert!(a.allowed_roles().is_empty());
            }
        }
    }
}
