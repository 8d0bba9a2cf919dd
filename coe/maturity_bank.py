"""The default maturity question bank, recommendation table and the wording of the two models.

``coe.services.maturity.maturity_questions_ensure()`` loads QUESTIONS when the bank is empty (first
use, or the demo); ``maturity_recommendations_ensure()`` does the same for RECOMMENDATIONS. The CoE
manager edits both afterwards on pages; these constants are only the starting point.
"""

from __future__ import annotations

# (competency, statement, guidance — what a 4 looks like, weight 1–5)
QUESTIONS: list[tuple[str, str, str, int]] = [
    # strategy
    (
        "strategy",
        "Social media has written goals tied to business goals.",
        "Every goal names the business outcome it serves and who owns it.",
        3,
    ),
    (
        "strategy",
        "Leadership sponsors the social programme and reviews it.",
        "An executive sponsor reviews results at least quarterly.",
        2,
    ),
    (
        "strategy",
        "Each audience and channel has a defined purpose.",
        "Every active channel has an audience, a purpose and a reason to exist.",
        1,
    ),
    (
        "strategy",
        "The social strategy is revisited at least once a year.",
        "A dated review with changes agreed by the steering committee.",
        1,
    ),
    (
        "strategy",
        "Budget and people for social are planned, not found.",
        "Social has its own budget line and staffing plan.",
        2,
    ),
    # governance
    (
        "governance",
        "A social media policy exists and employees acknowledge it.",
        "Current policy, acknowledged by nearly everyone who posts.",
        3,
    ),
    (
        "governance",
        "Posts go through a defined approval workflow.",
        "Every channel has an approval policy; nothing bypasses it.",
        2,
    ),
    (
        "governance",
        "A crisis plan with holding statements is ready and rehearsed.",
        "Plan, contacts and holding statements exist and were rehearsed this year.",
        3,
    ),
    (
        "governance",
        "Brand guidelines and content rules are applied to every post.",
        "Rules are checked automatically before anything is submitted.",
        1,
    ),
    (
        "governance",
        "Account ownership and access are centrally known.",
        "Every account is in the inventory with an owner and shared credentials are gone.",
        1,
    ),
    # training
    (
        "training",
        "Everyone who posts for the company is trained first.",
        "Access to a channel requires a valid certification.",
        3,
    ),
    (
        "training",
        "Training is refreshed as networks and rules change.",
        "Modules are reviewed at least twice a year.",
        1,
    ),
    (
        "training",
        "Employees are encouraged and equipped to advocate.",
        "An advocacy programme with content people can share.",
        2,
    ),
    (
        "training",
        "Training completion is tracked and followed up.",
        "Overdue training is chased automatically and reported.",
        1,
    ),
    # innovation
    (
        "innovation",
        "New networks and formats are piloted deliberately.",
        "Pilots have a hypothesis, a time box and a verdict.",
        2,
    ),
    (
        "innovation",
        "Good practices are shared across departments.",
        "A library of practices that departments adopt from each other.",
        2,
    ),
    (
        "innovation",
        "Tools are evaluated against written requirements.",
        "Evaluations with weighted requirements and several reviewers.",
        1,
    ),
    (
        "innovation",
        "Lessons from failures are written down and used.",
        "Post-mortems are shared and change how the next campaign runs.",
        1,
    ),
    # measurement
    ("measurement", "KPIs are defined for each business goal.", "Every objective has KPIs with targets.", 3),
    (
        "measurement",
        "Results are reported to leadership regularly.",
        "A recurring report leadership actually reads.",
        2,
    ),
    (
        "measurement",
        "The return on social investment is calculated.",
        "Investment and value are tracked so ROI can be shown per quarter.",
        2,
    ),
    ("measurement", "Social listening informs decisions.", "Listening topics raise alerts and feed planning.", 1),
    (
        "measurement",
        "Social data is joined with other business data.",
        "Exports feed the company's BI alongside sales and service data.",
        1,
    ),
    # organisation of social
    (
        "organisation",
        "Individual advocates post on behalf of the company.",
        "Advocates exist in most departments, not just a few enthusiasts.",
        1,
    ),
    (
        "organisation",
        "Departments run social through their own teams.",
        "Each department with an audience has a liaison and a team.",
        2,
    ),
    (
        "organisation",
        "A cross-department steering committee meets regularly.",
        "Members from every department, meeting on a cadence with minutes.",
        2,
    ),
    (
        "organisation",
        "A dedicated centre of excellence sets standards and supports teams.",
        "A staffed CoE with a charter that departments rely on.",
        3,
    ),
    (
        "organisation",
        "Social is part of how the whole company works, in real time.",
        "Service, sales, HR and product act on social signals every day.",
        2,
    ),
]

# (competency, shown when below score, title, detail)
RECOMMENDATIONS: list[tuple[str, int, str, str]] = [
    (
        "strategy",
        40,
        "Write down why the company is on social",
        "Draft a charter: vision, business goals, how they will be achieved and measured. Get a sponsor to approve it.",
    ),
    (
        "strategy",
        70,
        "Tie every channel to a goal",
        "Review each channel's audience and purpose; retire the ones that serve no goal.",
    ),
    (
        "governance",
        40,
        "Publish a social media policy and a crisis plan",
        "Start with a short policy people acknowledge and a crisis plan with holding statements.",
    ),
    (
        "governance",
        70,
        "Put every channel behind an approval workflow",
        "Define approval policies per channel and department; add content rules for the recurring mistakes.",
    ),
    ("training", 40, "Train before access", "Create a foundation module and require it before anyone may post."),
    (
        "training",
        70,
        "Launch a certification track and advocacy",
        "Certify the people who post and equip employees to share approved content.",
    ),
    (
        "innovation",
        40,
        "Start a best-practice library",
        "Collect what worked in each department so others can adopt it.",
    ),
    (
        "innovation",
        70,
        "Run deliberate pilots",
        "Pick one new format or network per quarter with a hypothesis and a verdict.",
    ),
    (
        "measurement",
        40,
        "Define KPIs for each objective",
        "Agree a handful of KPIs with targets and report them monthly.",
    ),
    (
        "measurement",
        70,
        "Show the return on investment",
        "Record funds and people's time and report ROI per quarter to leadership.",
    ),
    (
        "organisation",
        40,
        "Name a liaison in every department",
        "Each department with an audience gets a liaison who brings its needs to the CoE.",
    ),
    (
        "organisation",
        70,
        "Give every department a seat at the table",
        "A steering committee with a representative per department, meeting monthly with decisions and "
        "action items that are followed up.",
    ),
]

# The five levels of social media maturity, in our own words.
LEVELS: dict[int, tuple[str, str]] = {
    1: (
        "Formation",
        "Social happens where enthusiasts start it: a few accounts, little coordination, no shared rules.",
    ),
    2: (
        "Processes and workflow",
        "There is a way to do things: a policy, an approval workflow and a crisis plan for when it goes wrong.",
    ),
    3: (
        "Formalised programme",
        "A charter approved by leadership and a centre of excellence that owns standards, training and measurement.",
    ),
    4: (
        "Enabling business units",
        "The CoE enables departments to run their own social within guidelines; "
        "trained, certified people post with confidence.",
    ),
    5: (
        "Real-time, whole-company engagement",
        "Social is how the company listens and responds, across every function, in real time.",
    ),
}

# The four stages of organising social, in our own words.
STAGES: dict[int, tuple[str, str]] = {
    1: ("Social Advocate", "Individuals champion social on their own initiative; results depend on a few people."),
    2: (
        "Social Teams",
        "Departments run social through their own teams, with some shared rules but little coordination.",
    ),
    3: (
        "Social Business",
        "A steering committee and a CoE coordinate departments; social is part of how business units work.",
    ),
    4: (
        "Social Enterprise",
        "Social is woven into the whole company: every function engages, guided by one programme.",
    ),
}
