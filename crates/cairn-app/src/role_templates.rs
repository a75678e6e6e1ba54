//! The seven example role profiles of the product brief, as templates any employer can
//! copy. Requirements name competencies of the shipped Healthcare Workforce Versatility
//! Framework by code (`ICD.2` is the second competency of the ICD domain) with the minimum
//! level of its four-level scale (1 Foundational, 2 Working, 3 Proficient, 4 Expert).
//! Copying resolves the codes against the installed framework.

/// A role profile template: what a job needs, by framework code and level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleTemplate {
    /// Stable key, recorded on profiles copied from it.
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// (competency code in the shipped framework, minimum level)
    pub requirements: &'static [(&'static str, i32)],
}

pub const ROLE_TEMPLATES: &[RoleTemplate] = &[
    RoleTemplate {
        key: "icd11-clinical-coder",
        name: "ICD-11 Clinical Coder",
        description: "Codes inpatient and outpatient episodes with ICD-11 MMS, including postcoordination, and queries clinicians when documentation falls short.",
        requirements: &[
            ("ICD.1", 2),
            ("ICD.2", 3),
            ("ICD.3", 3),
            ("ICD.4", 2),
            ("ICD.5", 2),
            ("DATA.2", 2),
            ("REG.3", 2),
            ("TECH.1", 2),
        ],
    },
    RoleTemplate {
        key: "cdi-specialist",
        name: "Clinical Documentation Integrity Specialist",
        description: "Reviews clinical records for completeness and specificity, writes compliant queries and shows clinicians how documentation drives coding, quality scores and payment.",
        requirements: &[
            ("ICD.2", 2),
            ("ICD.4", 3),
            ("VBC.4", 3),
            ("COMM.2", 2),
            ("COMM.3", 3),
            ("REG.3", 2),
            ("CRIT.1", 2),
        ],
    },
    RoleTemplate {
        key: "health-data-analyst",
        name: "Health Data Analyst",
        description: "Prepares, analyses and explains coded health data for operational and clinical questions, with reproducible reports and honest charts.",
        requirements: &[
            ("DATA.2", 3),
            ("DATA.3", 3),
            ("DATA.4", 2),
            ("STAT.1", 3),
            ("STAT.2", 3),
            ("STAT.3", 2),
            ("STAT.4", 3),
            ("STAT.5", 2),
            ("ICD.1", 1),
        ],
    },
    RoleTemplate {
        key: "vbc-coordinator",
        name: "Value-Based Care Coordinator",
        description: "Coordinates care for patients under value-based contracts: finds care gaps, organises outreach across professions and ties the work to quality measures.",
        requirements: &[
            ("VBC.1", 2),
            ("VBC.2", 3),
            ("VBC.3", 3),
            ("COMM.1", 3),
            ("COMM.2", 2),
            ("LEAD.1", 2),
            ("DATA.1", 2),
        ],
    },
    RoleTemplate {
        key: "revenue-cycle-specialist",
        name: "Revenue Cycle Specialist",
        description: "Keeps claims flowing from registration to payment: eligibility, prior authorisation, coding accuracy, denials and appeals.",
        requirements: &[
            ("INS.1", 2),
            ("INS.2", 3),
            ("INS.3", 3),
            ("INS.4", 2),
            ("FIN.3", 3),
            ("FIN.4", 2),
            ("ICD.2", 2),
            ("REG.3", 2),
        ],
    },
    RoleTemplate {
        key: "privacy-compliance-officer",
        name: "Privacy and Compliance Officer",
        description: "Runs the privacy and compliance programme: data protection, incident response, coding and billing compliance, audits and patients' rights requests.",
        requirements: &[
            ("REG.1", 3),
            ("REG.2", 3),
            ("REG.3", 3),
            ("REG.4", 3),
            ("REG.5", 3),
            ("TECH.4", 3),
            ("COMM.5", 2),
            ("GLOB.2", 2),
        ],
    },
    RoleTemplate {
        key: "interprofessional-team-lead",
        name: "Interprofessional Team Lead",
        description: "Leads a team across professions: shared goals, clear handoffs, constructive conflict, improvement projects and coaching through change.",
        requirements: &[
            ("LEAD.1", 3),
            ("LEAD.2", 3),
            ("LEAD.3", 3),
            ("LEAD.4", 2),
            ("LEAD.5", 3),
            ("LEAD.6", 2),
            ("COMM.2", 3),
            ("COMM.4", 3),
            ("CRIT.3", 2),
            ("GLOB.3", 2),
        ],
    },
];

/// The template with this key.
pub fn role_template(key: &str) -> Option<&'static RoleTemplate> {
    ROLE_TEMPLATES.iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_templates_naming_only_competencies_of_the_shipped_framework() {
        assert_eq!(ROLE_TEMPLATES.len(), 7);
        let package = crate::frameworks::builtin_package().unwrap();
        let codes: std::collections::HashSet<String> = package
            .competencies
            .iter()
            .filter(|c| c.kind.as_deref() == Some("Competency"))
            .filter_map(|c| c.code.clone())
            .collect();
        for t in ROLE_TEMPLATES {
            assert!(role_template(t.key).is_some());
            for (code, level) in t.requirements {
                assert!(codes.contains(*code), "{}: unknown code {code}", t.key);
                assert!((1..=4).contains(level), "{}: level {level}", t.key);
            }
        }
    }
}
