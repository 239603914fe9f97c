//! De teksten in het Nederlands (de standaardtaal): onderwerp en platte tekst per soort.

pub const TEXTS: &[super::Texts] = &[
    (
        "contract.signed",
        "Orderbevestiging: uw overeenkomst gaat in op {{ start_date }}",
        "Beste {{ customer_name }},\n\nWij bevestigen uw overeenkomst {{ contract_id }}. Zij gaat in op {{ start_date }} \
         en loopt tot en met {{ end_date }}; daarna wordt zij stilzwijgend verlengd.\n\n\
         Deze bevestiging volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "contract.notice_given",
        "Uw opzegging is ontvangen: de overeenkomst eindigt op {{ end_date }}",
        "Beste {{ customer_name }},\n\nWij hebben de opzegging van overeenkomst {{ contract_id }} ontvangen. \
         De overeenkomst eindigt op {{ end_date }}.\n\nDit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "contract.dissolved",
        "Uw overeenkomst is ontbonden per {{ effective_date }}",
        "Beste {{ customer_name }},\n\nOvereenkomst {{ contract_id }} is met onmiddellijke ingang ontbonden per \
         {{ effective_date }}.\n\nDit gebeurt op grond van artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "contract.suspension_announced",
        "Aankondiging opschorting van uw overeenkomst per {{ effective_date }}",
        "Beste {{ customer_name }},\n\nWij kondigen hierbij schriftelijk aan dat wij de uitvoering van uw overeenkomst \
         {{ contract_id }} opschorten met ingang van {{ effective_date }}.\n\nReden: {{ reason }}\n\n\
         Deze aankondiging is gedaan op {{ announced_on }} op grond van artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "contract.suspended",
        "De uitvoering van uw overeenkomst is opgeschort",
        "Beste {{ customer_name }},\n\nDe uitvoering van overeenkomst {{ contract_id }} is opgeschort met ingang van \
         {{ effective_date }}, zoals eerder aangekondigd.\n\nDit gebeurt op grond van artikel {{ article }} van onze \
         Algemene Voorwaarden.",
    ),
    (
        "access.block_announced",
        "Waarschuwing: de toegang tot uw account wordt geblokkeerd",
        "Beste {{ customer_name }},\n\nWij waarschuwen u dat wij de toegang onder overeenkomst {{ contract_id }} \
         blokkeren.\n\nReden: {{ reason }}\n\nDeze waarschuwing volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "access.blocked",
        "De toegang tot uw account is geblokkeerd",
        "Beste {{ customer_name }},\n\nDe toegang onder overeenkomst {{ contract_id }} is geblokkeerd.\n\n\
         Reden: {{ reason }}\n\nDit gebeurt op grond van artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "terms.published",
        "Nieuwe Algemene Voorwaarden ({{ version }}) per {{ effective_date }}",
        "Beste {{ customer_name }},\n\nWij wijzigen onze Algemene Voorwaarden. Versie {{ version }} geldt vanaf \
         {{ effective_date }}.\n\nWat verandert: {{ summary }}\n\nDeze aankondiging volgt uit artikel {{ article }} \
         van onze Algemene Voorwaarden.",
    ),
    (
        "prices.change_announced",
        "Wijziging van onze prijzen met {{ percent }}% per {{ effective_date }}",
        "Beste {{ customer_name }},\n\nWij wijzigen onze prijzen met {{ percent }}% met ingang van {{ effective_date }}.\n\n\
         Reden: {{ reason }}\n\nDeze aankondiging volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "invoice.issued",
        "Factuur {{ invoice_number }} van {{ total }}",
        "Beste {{ customer_name }},\n\nHierbij ontvangt u factuur {{ invoice_number }} van {{ total }}, te voldoen uiterlijk \
         op {{ due_date }}. Bezwaar maakt u schriftelijk en met redenen binnen tien dagen na de factuurdatum.\n\n\
         Dit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "credit_note.issued",
        "Creditnota {{ invoice_number }} van {{ total }}",
        "Beste {{ customer_name }},\n\nHierbij ontvangt u creditnota {{ invoice_number }} van {{ total }}.\n\n\
         Dit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "invoice.overdue_reminder",
        "Herinnering: factuur {{ invoice_number }} is vervallen",
        "Beste {{ customer_name }},\n\nFactuur {{ invoice_number }} van {{ total }} moest uiterlijk op {{ due_date }} \
         betaald zijn. Vanaf de dag daarna is de wettelijke handelsrente verschuldigd.\n\n\
         Dit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "customer.in_default",
        "U bent in verzuim",
        "Beste {{ customer_name }},\n\nEen factuur is meer dan dertig dagen na de vervaldatum onbetaald. U bent daarmee \
         in verzuim; wij kunnen de uitvoering van de overeenkomst opschorten.\n\n\
         Dit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "direct_debit.failed",
        "Automatische incasso van factuur {{ invoice_number }} mislukt",
        "Beste {{ customer_name }},\n\nDe automatische incasso van factuur {{ invoice_number }} is mislukt ({{ reason }}). \
         Wij brengen de kosten van de mislukte incasso in rekening; betaal de factuur op een andere manier.\n\n\
         Dit volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "maintenance.planned",
        "Gepland onderhoud van {{ starts_at }} tot {{ ends_at }}",
        "Beste {{ customer_name }},\n\nWij voeren onderhoud uit van {{ starts_at }} tot {{ ends_at }} (Nederlandse tijd).\n\n{{ description }}{% if reason %}\n\nDit kan niet wachten tot buiten kantoortijd: {{ reason }}{% endif %}\n\nDeze aankondiging volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "service.change",
        "Nieuw: {{ title }}",
        "Beste {{ customer_name }},\n\n{{ body }}\n\nDeze mededeling volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
    (
        "service.material_change",
        "Belangrijke wijziging: {{ title }}",
        "Beste {{ customer_name }},\n\nWij wijzigen de dienst op een manier die de functionaliteit wezenlijk verandert.\n\n{{ body }}\n\nDeze aankondiging volgt uit artikel {{ article }} van onze Algemene Voorwaarden.",
    ),
];
