"""The translator's work for the demo: Russian wording of the paragraphs pending translation in Rev.2.

Reads `drafting status --json` on stdin and prints a Markdown file with one `<!-- dp:<id> -->` paragraph per
pending paragraph, which `drafting translation … --language ru` imports.
"""

import json
import sys

RUSSIAN = {
    "forum_needed": "Учитывая, что Центральноазиатскому региону необходим постоянный консультативный форум для "
                    "регулирования сложных смешанных миграционных потоков, которые затрагивают регион и, в частности, "
                    "сопредельные с ним районы;",
    "protection_commitments": "Принимая во внимание, что страны региона хотели бы выполнить свои международные "
                              "обязательства по защите нуждающихся лиц, в частности беженцев, лиц, ищущих убежища, "
                              "трудовых мигрантов, лиц без гражданства, жертв торговли людьми и других лиц, "
                              "нуждающихся в международной защите;",
    "request_support": "Просить Правительство Казахстана, УВКБ ООН и МОМ оказать поддержку в первоначальном "
                       "создании секретариата и его работе",
    "ministerial_conference": "Рекомендовать провести вторую Конференцию на уровне министров по защите беженцев и "
                              "международной миграции в Казахстане в первой половине 2013 года с целью:",
    "new": "Предложить государствам-членам назначить национальных координаторов Алматинского процесса;",
}

report = json.load(sys.stdin)
for pid in report.get("translation_pending", {}).get("ru", []):
    text = RUSSIAN.get(pid) or (RUSSIAN["new"] if pid.startswith("new_") else None)
    if text is None:
        sys.exit(f"no Russian wording for pending paragraph {pid}")
    print(f"<!-- dp:{pid} -->\n{text}\n")
