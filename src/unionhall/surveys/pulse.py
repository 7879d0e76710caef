"""The standard monthly workload pulse, shipped as data.

Stress is measured with the eight "Demands" items of the HSE Management
Standards Indicator Tool (Health and Safety Executive; validated in Cousins
et al., Work & Stress 18(2), 2004, and Edwards et al., Work & Stress 22(2),
2008). The tool is Crown copyright and HSE publishes it for organisations to
use free of charge; reuse of HSE's published material is under the Open
Government Licence v3.0 (docs/surveys.md says more, and what to check).
The items keep HSE's wording and its five-point frequency scale so results
can be compared with HSE's benchmarks.
"""

FREQUENCY = ("Never", "Seldom", "Sometimes", "Often", "Always")

HSE_DEMANDS = (
    "Different groups at work demand things from me that are hard to combine",
    "I have unachievable deadlines",
    "I have to work very intensively",
    "I have to neglect some tasks because I have too much to do",
    "I am unable to take sufficient breaks",
    "I am pressured to work long hours",
    "I have to work very fast",
    "I have unrealistic time pressures",
)

KEY = "workload-pulse"
TITLE = "Monthly workload pulse"
INTRO = (
    "Two minutes, once a month. Your answers are anonymous: they are stored with no link to you, "
    "and only tables that cannot point at anyone are published."
)


def questions() -> list[dict]:
    """The pulse's questions, in order, as keyword arguments for ``Question``."""
    out = [
        dict(kind="number", text="How many cases are you responsible for today?", label="Caseload", unit="cases",
             min_value=0, max_value=500, required=True, help="Your whole caseload, as your employer counts it."),
        dict(kind="number", text="What is your workload measurement figure, if your employer uses one?", label="Workload measure",
             unit="%", min_value=0, max_value=300, required=False, help="Leave blank if there is none."),
        dict(kind="number", text="Hours worked beyond your contract last week", label="Extra hours", unit="hours",
             min_value=0, max_value=80, required=True),
    ]
    for i, item in enumerate(HSE_DEMANDS, start=1):
        out.append(dict(kind="single", text=item, label=f"HSE demands {i}", choices="\n".join(FREQUENCY), required=True,
                        help="How often, in the last month?", breakdown=False))
    out += [
        # Union-wide only: most answers are 0, and sums of zeros cannot help hide a
        # small branch's figure, so a breakdown would cost the union-wide mean itself.
        dict(kind="number", text="Days off sick in the last month", label="Sickness days", unit="days",
             min_value=0, max_value=31, required=True, breakdown=False),
        dict(kind="text", text="Anything else about your workload? (Leave out names and anything that would identify you.)",
             label="Comments", required=False, breakdown=False),
    ]
    return out
