//! The demo catalog: micro-learning modules across the competency domains from two
//! providers, some built-in lessons with knowledge checks, some external links and xAPI
//! activities.

use cairn_core::catalog::{LessonPage, ModuleContent, ModuleFormat, Question};

pub(crate) struct DemoModule {
    pub provider: &'static str,
    pub content: ModuleContent,
    /// (competency code in the shipped framework, target level), aligned when it is there.
    pub align: Vec<(&'static str, u8)>,
}

const NB: &str = "northbridge-academy";
const RHWC: &str = "rhwc";

fn base(
    title: &str,
    summary: &str,
    objectives: &[&str],
    minutes: u32,
    format: ModuleFormat,
    tags: &[&str],
) -> ModuleContent {
    ModuleContent {
        title: title.into(),
        summary: summary.into(),
        objectives: objectives.iter().map(|s| (*s).to_owned()).collect(),
        duration_minutes: minutes,
        language: "en".into(),
        format,
        url: None,
        activity_iri: None,
        alignments: Vec::new(),
        tags: tags.iter().map(|s| (*s).to_owned()).collect(),
        pages: Vec::new(),
        questions: Vec::new(),
    }
}

fn page(title: &str, markdown: &str) -> LessonPage {
    LessonPage {
        title: title.into(),
        markdown: markdown.into(),
    }
}

fn q(prompt: &str, choices: &[&str], answer: usize, explanation: &str) -> Question {
    Question {
        prompt: prompt.into(),
        choices: choices.iter().map(|s| (*s).to_owned()).collect(),
        answer,
        explanation: Some(explanation.into()),
    }
}

fn lesson(
    provider: &'static str,
    c: ModuleContent,
    pages: Vec<LessonPage>,
    questions: Vec<Question>,
    align: Vec<(&'static str, u8)>,
) -> DemoModule {
    DemoModule {
        provider,
        content: ModuleContent {
            pages,
            questions,
            ..c
        },
        align,
    }
}

fn link(
    provider: &'static str,
    c: ModuleContent,
    url: &str,
    align: Vec<(&'static str, u8)>,
) -> DemoModule {
    DemoModule {
        provider,
        content: ModuleContent {
            url: Some(url.into()),
            ..c
        },
        align,
    }
}

fn xapi(
    provider: &'static str,
    c: ModuleContent,
    iri: &str,
    align: Vec<(&'static str, u8)>,
) -> DemoModule {
    DemoModule {
        provider,
        content: ModuleContent {
            url: Some(format!("{iri}/launch")),
            activity_iri: Some(iri.into()),
            ..c
        },
        align,
    }
}

use ModuleFormat::{Lesson, Link, Xapi};

pub(crate) fn modules() -> Vec<DemoModule> {
    vec![
        // ICD-11 coding and classification systems literacy
        lesson(
            NB,
            base(
                "ICD-11 foundations: stem codes and the MMS",
                "How ICD-11 is organized — the Foundation, the Mortality and Morbidity Statistics linearization, chapters, blocks and stem codes — and how to read an ICD-11 code.",
                &[
                    "Describe the relationship between the ICD-11 Foundation and the MMS",
                    "Read the structure of an ICD-11 stem code",
                    "Find a category by browsing chapters and blocks",
                ],
                12,
                Lesson,
                &["icd-11", "clinical coding", "classification"],
            ),
            vec![
                page(
                    "Why ICD-11",
                    "ICD-11 replaced ICD-10 for WHO member states from **1 January 2022**. It is digital from the ground up: every entity lives in the *Foundation*, and the **MMS** linearization is what coders use for statistics and reimbursement.\n\n- 28 chapters, including new ones for sleep–wake disorders and sexual health\n- Extension codes for severity, laterality and more\n- Stable URIs for every entity\n",
                ),
                page(
                    "Reading a stem code",
                    "A stem code such as `1A00` (Cholera) stands alone. The first character names the chapter (here `1`, certain infectious or parasitic diseases); the second is always a letter, which keeps codes distinct from ICD-10.\n\nSee WHO's [ICD-11 browser](https://icd.who.int/browse/) to explore the structure.",
                ),
                page(
                    "Residual categories",
                    "Categories ending in **Y** (*other specified*) and **Z** (*unspecified*) are residual categories. Use them only when the documentation does not support a more specific code — documentation integrity matters.",
                ),
            ],
            vec![
                q(
                    "Which ICD-11 linearization do coders use for morbidity statistics?",
                    &["The Foundation", "The MMS", "ICD-O-3", "The ICHI"],
                    1,
                    "The Mortality and Morbidity Statistics (MMS) linearization is the coding view.",
                ),
                q(
                    "In ICD-11, what does a category ending in Z usually mean?",
                    &["Unspecified", "Severe", "Left side", "Chronic"],
                    0,
                    "Z categories are unspecified residuals.",
                ),
            ],
            vec![("ICD.1", 2)],
        ),
        lesson(
            NB,
            base(
                "ICD-11 postcoordination: clusters with extension codes",
                "Build ICD-11 code clusters: join a stem code with extension codes using & and combine stem codes with /, so the record says severity, laterality and cause.",
                &[
                    "Explain when postcoordination is required or allowed",
                    "Write a cluster such as 5A11&XT8W",
                    "Avoid invalid combinations",
                ],
                15,
                Lesson,
                &["icd-11", "postcoordination", "clinical coding"],
            ),
            vec![
                page(
                    "Stems and extensions",
                    "A **cluster** joins codes: `5A11&XT8W` adds an extension code (`&`) to a stem. Two stems are joined with `/`, e.g. a diagnosis and its manifestation.\n\nExtension codes (chapter X) never stand alone.",
                ),
                page(
                    "When to postcoordinate",
                    "Some stems *require* an extension (for example certain injuries need the cause). Others allow one. Your coding policy says which details your organization captures; ICD-11 says which are valid.",
                ),
            ],
            vec![
                q(
                    "Which character adds an extension code to a stem code?",
                    &["/", "&", "+", "."],
                    1,
                    "& joins an extension code; / joins two stem codes.",
                ),
                q(
                    "May an extension code be used on its own?",
                    &["Yes", "No"],
                    1,
                    "Extension codes only qualify a stem code.",
                ),
            ],
            vec![("ICD.3", 3)],
        ),
        link(
            RHWC,
            base(
                "Transitioning from ICD-10 to ICD-11: a coder's checklist",
                "A practical checklist for coding teams moving to ICD-11: mapping tables, dual coding periods, training plans and audit of the first months.",
                &[
                    "Plan a dual-coding period",
                    "Use WHO mapping tables critically",
                    "Set up post-transition coding audits",
                ],
                10,
                Link,
                &["icd-11", "transition", "coding audit"],
            ),
            "https://icd.who.int/en/docs/icd11-transition.html",
            vec![("ICD.5", 2)],
        ),
        xapi(
            RHWC,
            base(
                "ICD-11 coding simulator: emergency department cases",
                "Code ten de-identified emergency department encounters in ICD-11 with instant feedback on stem choice, extension codes and sequencing.",
                &[
                    "Select the correct stem code from documentation",
                    "Add required extension codes",
                    "Sequence principal and secondary diagnoses",
                ],
                20,
                Xapi,
                &["icd-11", "simulation", "emergency"],
            ),
            "https://learn.rhwc.example/xapi/activities/icd11-ed-simulator",
            vec![("ICD.2", 3)],
        ),
        lesson(
            NB,
            base(
                "Clinical documentation integrity for ICD-11",
                "What clinicians need to document so that ICD-11 coding is complete and accurate, and how to write a compliant, non-leading query.",
                &[
                    "Identify documentation gaps that block specific coding",
                    "Write a compliant non-leading query",
                ],
                10,
                Lesson,
                &["documentation", "cdi", "icd-11"],
            ),
            vec![
                page(
                    "Specificity starts at the bedside",
                    "Coders can only code what is documented. Laterality, acuity, cause and severity all map to ICD-11 extension codes — if the note does not say it, the code cannot say it.",
                ),
                page(
                    "Compliant queries",
                    "A query asks a clinician to clarify **without leading**. Offer clinically reasonable options, include *other* and *unable to determine*, and cite the evidence in the record.",
                ),
            ],
            vec![q(
                "A compliant query should…",
                &[
                    "suggest the diagnosis that pays best",
                    "offer clinically supported options including 'unable to determine'",
                    "be verbal only",
                ],
                1,
                "Queries must not lead and must be documented.",
            )],
            vec![("ICD.4", 2)],
        ),
        // Health data collection, input and analysis
        lesson(
            RHWC,
            base(
                "Data quality at the point of entry",
                "Why data entered at registration and on the ward decide the quality of every report after it: completeness, validity, timeliness and consistency checks.",
                &[
                    "Name the dimensions of data quality",
                    "Spot common entry errors in patient administration systems",
                ],
                8,
                Lesson,
                &["data quality", "health data", "registration"],
            ),
            vec![
                page(
                    "Four dimensions",
                    "1. **Completeness** — is every required field filled?\n2. **Validity** — is the value allowed?\n3. **Timeliness** — was it entered when it happened?\n4. **Consistency** — does it agree with other records?",
                ),
                page(
                    "Common errors",
                    "Duplicate patient records, default dates such as 01/01/1900, and free text where a code list exists. Each one multiplies downstream.",
                ),
            ],
            vec![q(
                "A birth date of 01/01/1900 on many records most likely signals…",
                &[
                    "very old patients",
                    "a default value entered when the date was unknown",
                    "a leap-year bug",
                ],
                1,
                "Defaults hide missing data.",
            )],
            vec![("DATA.2", 2), ("DATA.1", 2)],
        ),
        link(
            NB,
            base(
                "Health data standards: HL7 FHIR in ten minutes",
                "A short tour of HL7 FHIR resources, profiles and terminology bindings, and where ICD-11 codes travel in a FHIR Condition.",
                &[
                    "Recognize core FHIR resources",
                    "Explain terminology bindings",
                ],
                10,
                Link,
                &["fhir", "interoperability", "health data"],
            ),
            "https://www.hl7.org/fhir/overview.html",
            vec![("DATA.4", 1)],
        ),
        xapi(
            RHWC,
            base(
                "Abstracting a discharge summary",
                "Practice abstracting diagnoses, procedures and key data elements from discharge summaries into a structured record.",
                &[
                    "Abstract required data elements accurately",
                    "Flag inconsistencies for review",
                ],
                18,
                Xapi,
                &["abstraction", "health data", "documentation"],
            ),
            "https://learn.rhwc.example/xapi/activities/discharge-abstraction",
            vec![("DATA.1", 2)],
        ),
        // Statistics and data analytics
        lesson(
            NB,
            base(
                "Reading rates and ratios in hospital dashboards",
                "Crude and adjusted rates, per-1,000 denominators and confidence intervals — enough statistics to read a hospital dashboard without being misled.",
                &[
                    "Compute a rate per 1,000 bed-days",
                    "Explain why risk adjustment changes comparisons",
                ],
                12,
                Lesson,
                &["statistics", "dashboards", "analytics"],
            ),
            vec![
                page(
                    "Rates need denominators",
                    "Twelve falls is not a rate. Twelve falls in 4,000 bed-days is **3 per 1,000 bed-days** — now wards can be compared.",
                ),
                page(
                    "Adjusting for risk",
                    "A ward with older, sicker patients will have more events. **Risk-adjusted** rates compare like with like; crude rates do not.",
                ),
            ],
            vec![q(
                "12 falls in 4,000 bed-days is how many per 1,000 bed-days?",
                &["0.3", "3", "30", "48"],
                1,
                "12 / 4,000 × 1,000 = 3.",
            )],
            vec![("STAT.1", 2), ("STAT.3", 2)],
        ),
        link(
            RHWC,
            base(
                "Run charts and statistical process control for quality teams",
                "Use run charts and control charts to tell real improvement from noise in quality and safety data.",
                &[
                    "Build a run chart",
                    "Apply the rules for detecting special-cause variation",
                ],
                15,
                Link,
                &["statistics", "quality improvement", "spc"],
            ),
            "https://www.england.nhs.uk/statistical-process-control-tool/",
            vec![("STAT.2", 2)],
        ),
        xapi(
            NB,
            base(
                "Hands-on: cleaning a readmissions dataset",
                "Clean and analyse a synthetic 30-day readmissions dataset: missing values, duplicates, and a first look at drivers of readmission.",
                &[
                    "Handle missing and duplicate records",
                    "Summarize readmission rates by group",
                ],
                20,
                Xapi,
                &["analytics", "data cleaning", "readmissions"],
            ),
            "https://academy.northbridge.example/xapi/activities/readmissions-lab",
            vec![("DATA.3", 3), ("STAT.5", 2)],
        ),
        // Value-based care and reimbursement
        lesson(
            RHWC,
            base(
                "Value-based care: from volume to outcomes",
                "What value-based care means — outcomes that matter to patients divided by the cost of achieving them — and how value-based reimbursement differs from fee-for-service.",
                &[
                    "Define value in health care",
                    "Contrast fee-for-service with value-based payment",
                    "Name outcome measures that matter to patients",
                ],
                12,
                Lesson,
                &["value-based care", "reimbursement", "outcomes"],
            ),
            vec![
                page(
                    "Value = outcomes / cost",
                    "In **value-based care**, providers are rewarded for the health outcomes they achieve per unit of cost, not for the number of services delivered.",
                ),
                page(
                    "Payment models",
                    "- **Fee-for-service**: paid per visit or procedure\n- **Bundled payments**: one price for an episode of care\n- **Shared savings**: providers share savings against a benchmark\n- **Capitation**: a fixed amount per person per period",
                ),
                page(
                    "Outcomes that matter",
                    "Patient-reported outcome measures (PROMs) capture what patients value: function, pain, quality of life.",
                ),
            ],
            vec![
                q(
                    "Which payment model pays one price for a whole episode of care?",
                    &[
                        "Fee-for-service",
                        "Bundled payment",
                        "Capitation",
                        "Per diem",
                    ],
                    1,
                    "A bundle covers the episode.",
                ),
                q(
                    "In value-based care, value is…",
                    &[
                        "the number of services",
                        "outcomes that matter to patients relative to cost",
                        "the price of a service",
                    ],
                    1,
                    "Value relates outcomes to cost.",
                ),
            ],
            vec![("VBC.1", 2), ("VBC.2", 2)],
        ),
        lesson(
            NB,
            base(
                "Bundled payments and episode costing",
                "How a value-based bundled payment is priced from episode costs, and what a care coordinator can do to keep an episode within its bundle.",
                &[
                    "Describe how an episode is defined",
                    "Identify drivers of episode cost",
                ],
                14,
                Lesson,
                &["value-based care", "bundled payments", "costing"],
            ),
            vec![
                page(
                    "Defining the episode",
                    "An episode has a trigger (e.g. a hip replacement), a window (e.g. 90 days after discharge) and a list of included services.",
                ),
                page(
                    "Cost drivers",
                    "Readmissions, post-acute care and complications dominate episode costs. Coordinated discharge planning is the main lever.",
                ),
            ],
            vec![q(
                "Which is usually the largest controllable driver of a 90-day joint-replacement episode?",
                &[
                    "The implant's brand",
                    "Post-acute care and readmissions",
                    "Parking fees",
                ],
                1,
                "Post-acute care and readmissions dominate.",
            )],
            vec![("VBC.1", 2), ("FIN.4", 2)],
        ),
        link(
            RHWC,
            base(
                "Quality measures in value-based purchasing programmes",
                "How pay-for-performance and value-based purchasing programmes use quality measures, and how coding accuracy affects risk-adjusted scores.",
                &[
                    "Explain how quality measures adjust payment",
                    "Relate coding completeness to risk adjustment",
                ],
                10,
                Link,
                &[
                    "value-based purchasing",
                    "quality measures",
                    "risk adjustment",
                ],
            ),
            "https://www.cms.gov/medicare/quality/value-based-programs",
            vec![("VBC.2", 2), ("VBC.4", 2)],
        ),
        // Insurance structure
        link(
            NB,
            base(
                "How health insurance works: payers, plans and benefits",
                "Public and private payers, plan types, covered benefits, co-payments and prior authorisation — the structure behind every claim.",
                &[
                    "Distinguish payer types",
                    "Explain deductibles, co-payments and co-insurance",
                ],
                9,
                Link,
                &["insurance", "payers", "benefits"],
            ),
            "https://www.who.int/health-topics/health-financing",
            vec![("INS.1", 1), ("INS.4", 1)],
        ),
        lesson(
            RHWC,
            base(
                "Claims, denials and appeals",
                "Follow a claim from submission to payment, understand why claims are denied, and write an effective appeal.",
                &[
                    "Trace the claim lifecycle",
                    "Classify common denial reasons",
                    "Draft an appeal with supporting documentation",
                ],
                13,
                Lesson,
                &["insurance", "revenue cycle", "claims"],
            ),
            vec![
                page(
                    "The claim lifecycle",
                    "Registration → eligibility check → coding → claim submission → adjudication → payment or denial → appeal.",
                ),
                page(
                    "Why claims are denied",
                    "Missing authorisation, eligibility errors, coding that does not support medical necessity, and duplicate submissions.",
                ),
            ],
            vec![q(
                "Which step best prevents eligibility denials?",
                &[
                    "Verifying coverage at registration",
                    "Appealing every denial",
                    "Coding faster",
                ],
                0,
                "Check eligibility up front.",
            )],
            vec![("INS.3", 2), ("INS.2", 2)],
        ),
        // Financial management
        lesson(
            NB,
            base(
                "Budgeting for a clinical unit",
                "Read and build a clinical unit budget: staffing, supplies, variance analysis and what to do when the month goes over.",
                &[
                    "Read a unit budget report",
                    "Explain a variance and propose a response",
                ],
                15,
                Lesson,
                &["financial management", "budgeting", "nurse managers"],
            ),
            vec![
                page(
                    "Where the money goes",
                    "Staffing is usually 60–70% of a clinical unit's costs; supplies and drugs most of the rest.",
                ),
                page(
                    "Variance analysis",
                    "A **variance** is actual minus budget. Separate *volume* (more patients) from *rate* (higher cost per patient) before acting.",
                ),
            ],
            vec![q(
                "Spending is over budget because the unit cared for more patients than planned. This is a…",
                &["rate variance", "volume variance", "capital variance"],
                1,
                "More patients → volume variance.",
            )],
            vec![("FIN.2", 2)],
        ),
        link(
            RHWC,
            base(
                "Cost accounting basics for health services",
                "Fixed and variable costs, overheads and activity-based costing, with examples from outpatient clinics.",
                &[
                    "Distinguish fixed from variable costs",
                    "Allocate overheads with activity-based costing",
                ],
                12,
                Link,
                &["financial management", "cost accounting"],
            ),
            "https://www.hfma.org/topics/cost-accounting/",
            vec![("FIN.4", 2)],
        ),
        // Regulatory compliance and data privacy
        lesson(
            RHWC,
            base(
                "Patient privacy and confidentiality essentials",
                "The principles of health data privacy: lawful basis, minimum necessary use, access control and what to do after a breach.",
                &[
                    "Apply the minimum-necessary principle",
                    "Recognize a privacy breach and report it",
                ],
                10,
                Lesson,
                &["privacy", "compliance", "data protection"],
            ),
            vec![
                page(
                    "Minimum necessary",
                    "Look only at the records you need for your task. Curiosity is not a lawful purpose — access logs show every view.",
                ),
                page(
                    "After a breach",
                    "Contain it, report it to your privacy officer at once, and record what happened. Regulators set short deadlines for notification.",
                ),
            ],
            vec![
                q(
                    "A colleague asks you to look up a celebrity's admission. You should…",
                    &[
                        "look quickly",
                        "refuse: you have no care purpose",
                        "print the summary",
                    ],
                    1,
                    "No care purpose, no access.",
                ),
                q(
                    "Who should you tell first about a suspected breach?",
                    &["Social media", "Your privacy officer", "Nobody"],
                    1,
                    "Report to the privacy officer.",
                ),
            ],
            vec![("REG.1", 2), ("REG.2", 2)],
        ),
        link(
            NB,
            base(
                "GDPR for health data processors",
                "Special-category health data under the GDPR: lawful bases, data protection impact assessments and data subject rights.",
                &[
                    "Identify the lawful basis for processing health data",
                    "Know when a DPIA is required",
                ],
                14,
                Link,
                &["privacy", "gdpr", "regulation"],
            ),
            "https://commission.europa.eu/law/law-topic/data-protection_en",
            vec![("REG.1", 3), ("REG.5", 2)],
        ),
        xapi(
            RHWC,
            base(
                "Compliance scenarios: documentation, billing and fraud",
                "Branching scenarios on upcoding, unbundling and documentation cloning: recognize compliance risks and choose the right response.",
                &[
                    "Recognize upcoding and unbundling",
                    "Choose a compliant response to a risky request",
                ],
                16,
                Xapi,
                &["compliance", "billing", "fraud prevention"],
            ),
            "https://learn.rhwc.example/xapi/activities/compliance-scenarios",
            vec![("REG.3", 2)],
        ),
        // Progressive leadership and interprofessional teams
        lesson(
            NB,
            base(
                "Leading interprofessional teams",
                "How to lead an interprofessional team of nurses, physicians, allied health and administrative staff: shared goals, clear roles and psychological safety.",
                &[
                    "Set shared goals across professions",
                    "Clarify roles and responsibilities",
                    "Build psychological safety in huddles",
                ],
                15,
                Lesson,
                &["interprofessional", "leadership", "teamwork"],
            ),
            vec![
                page(
                    "Why interprofessional",
                    "**Interprofessional** teams — where professions learn *with, from and about* each other — reduce errors and improve outcomes in complex care.",
                ),
                page(
                    "Roles and goals",
                    "Start each shift with a huddle: one shared goal for the day, and who owns what. Ambiguity about roles is the most common source of dropped tasks.",
                ),
                page(
                    "Psychological safety",
                    "People speak up when they expect to be heard. Thank the person who raises a concern, especially when they turn out to be wrong.",
                ),
            ],
            vec![
                q(
                    "Interprofessional education means professions learn…",
                    &[
                        "in separate lectures",
                        "with, from and about each other",
                        "only from physicians",
                    ],
                    1,
                    "The WHO definition.",
                ),
                q(
                    "The most common cause of dropped tasks in teams is…",
                    &["unclear roles", "bad weather", "too many meetings"],
                    0,
                    "Clarify who owns what.",
                ),
            ],
            vec![("LEAD.1", 3), ("LEAD.2", 2)],
        ),
        link(
            RHWC,
            base(
                "TeamSTEPPS communication tools for interprofessional care",
                "SBAR, call-outs, check-backs and handoffs: evidence-based tools for safer communication in interprofessional teams.",
                &[
                    "Use SBAR to escalate a concern",
                    "Close the loop with check-backs",
                ],
                12,
                Link,
                &["interprofessional", "communication", "patient safety"],
            ),
            "https://www.ahrq.gov/teamstepps-program/index.html",
            vec![("COMM.2", 2), ("LEAD.2", 2)],
        ),
        lesson(
            RHWC,
            base(
                "From clinician to manager: first 90 days",
                "The shift from expert clinician to manager: delegating, giving feedback, running one-to-ones and managing performance fairly.",
                &[
                    "Delegate with clear expectations",
                    "Give specific, timely feedback",
                ],
                12,
                Lesson,
                &["leadership", "management", "new managers"],
            ),
            vec![
                page(
                    "Delegating",
                    "Delegate the outcome, not the steps: what good looks like, by when, and when to check in.",
                ),
                page(
                    "Feedback",
                    "Describe the **situation**, the **behaviour** and its **impact** (SBI). Keep it specific and soon after the event.",
                ),
            ],
            vec![q(
                "The SBI feedback model stands for…",
                &[
                    "Situation, Behaviour, Impact",
                    "Summary, Blame, Improvement",
                    "Start, Break, Integrate",
                ],
                0,
                "Situation–Behaviour–Impact.",
            )],
            vec![("LEAD.5", 2)],
        ),
        // Globalization of healthcare
        link(
            NB,
            base(
                "Global health workforce mobility",
                "International recruitment, recognition of qualifications and the WHO Global Code of Practice on the International Recruitment of Health Personnel.",
                &[
                    "Summarize the WHO Global Code of Practice",
                    "Describe how foreign qualifications are recognized",
                ],
                10,
                Link,
                &["globalization", "workforce", "recruitment"],
            ),
            "https://www.who.int/publications/i/item/wha68.32",
            vec![("GLOB.4", 1), ("GLOB.3", 1)],
        ),
        // Technology adoption
        xapi(
            NB,
            base(
                "Adopting a new electronic health record: super-user training",
                "Become a super-user for an EHR go-live: workflows, troubleshooting, and supporting colleagues through the change.",
                &[
                    "Support colleagues through EHR workflows",
                    "Log and escalate issues during go-live",
                ],
                20,
                Xapi,
                &["technology adoption", "ehr", "change management"],
            ),
            "https://academy.northbridge.example/xapi/activities/ehr-super-user",
            vec![("TECH.3", 2), ("TECH.1", 2)],
        ),
        lesson(
            NB,
            base(
                "Telehealth visits done well",
                "Set up and run a safe, effective telehealth consultation: consent, identity checks, privacy and knowing when to convert to an in-person visit.",
                &[
                    "Prepare a patient for a telehealth visit",
                    "Decide when to escalate to in-person care",
                ],
                9,
                Lesson,
                &["telehealth", "technology adoption", "digital health"],
            ),
            vec![
                page(
                    "Before the call",
                    "Confirm identity and location, obtain consent, and check that the patient is somewhere private.",
                ),
                page(
                    "Knowing the limits",
                    "Red flags, the need for an examination, or a failing connection all mean: convert to an in-person visit.",
                ),
            ],
            vec![q(
                "Why confirm the patient's location at the start of a telehealth visit?",
                &[
                    "For billing only",
                    "So emergency services can be sent if needed",
                    "It is not needed",
                ],
                1,
                "Safety first.",
            )],
            vec![("TECH.1", 2)],
        ),
        // Communication
        lesson(
            RHWC,
            base(
                "Health literacy and teach-back",
                "Communicate clearly with patients of every health-literacy level using plain language and the teach-back method.",
                &[
                    "Replace jargon with plain language",
                    "Use teach-back to confirm understanding",
                ],
                7,
                Lesson,
                &["communication", "health literacy", "patient education"],
            ),
            vec![
                page(
                    "Plain language",
                    "Say *high blood pressure*, not *hypertension*; *kidney*, not *renal*. Short sentences, one idea each.",
                ),
                page(
                    "Teach-back",
                    "Ask the patient to explain in their own words: *\"To be sure I explained it well, can you tell me how you'll take this medicine?\"*",
                ),
            ],
            vec![q(
                "Teach-back checks…",
                &[
                    "the patient's intelligence",
                    "how well you explained",
                    "insurance eligibility",
                ],
                1,
                "It tests the explanation, not the patient.",
            )],
            vec![("COMM.1", 2)],
        ),
        link(
            NB,
            base(
                "Difficult conversations with patients and families",
                "Structured approaches for breaking bad news and de-escalating conflict with patients and families.",
                &[
                    "Use the SPIKES protocol",
                    "De-escalate an angry conversation",
                ],
                15,
                Link,
                &["communication", "difficult conversations"],
            ),
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4699396/",
            vec![("COMM.4", 3)],
        ),
        // Critical thinking
        lesson(
            NB,
            base(
                "Clinical reasoning and cognitive bias",
                "Recognize anchoring, availability and confirmation bias in clinical and coding decisions, and use simple debiasing strategies.",
                &[
                    "Name three common cognitive biases",
                    "Apply a diagnostic time-out",
                ],
                11,
                Lesson,
                &["critical thinking", "clinical reasoning", "patient safety"],
            ),
            vec![
                page(
                    "Three biases",
                    "- **Anchoring**: sticking with the first impression\n- **Availability**: judging by what comes to mind easily\n- **Confirmation**: seeking only supporting evidence",
                ),
                page(
                    "Diagnostic time-out",
                    "Before closing a case ask: *What else could this be? What doesn't fit?*",
                ),
            ],
            vec![q(
                "Sticking with the first diagnosis despite new evidence is…",
                &["anchoring", "availability", "framing"],
                0,
                "Anchoring bias.",
            )],
            vec![("CRIT.4", 2), ("CRIT.1", 2)],
        ),
        link(
            RHWC,
            base(
                "Evidence-based practice: appraising a study in 15 minutes",
                "A quick, structured way to appraise a clinical study: question, design, bias, results and applicability.",
                &[
                    "Apply a structured appraisal checklist",
                    "Judge whether results apply to your patients",
                ],
                15,
                Link,
                &["critical thinking", "evidence-based practice", "research"],
            ),
            "https://casp-uk.net/casp-tools-checklists/",
            vec![("CRIT.2", 2)],
        ),
    ]
}
