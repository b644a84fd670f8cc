"""Word lists the fact patterns share, all nukta-folded (see `word_set`).

Hindi has no capital letters, so a name is told from an ordinary noun by what surrounds it:
a title word before it ("मुख्यमंत्री मनोहर लाल खट्टर"), a verb of speaking after it, its
recurrence. These lists say which words are titles, which are ordinary nouns that only look
like subjects ("पुलिस ने", "कंपनी ने"), and where a phrase must stop.
"""

from __future__ import annotations

from digests.calendar_hi import month_keys, weekday_keys
from digests.stopwords import STOPWORDS, word_set
from digests.wordchars import LATIN_LETTER_NAMES

MONTHS = month_keys()
WEEKDAYS = weekday_keys()
CALENDAR = MONTHS | WEEKDAYS

# Titles and roles written right before a person's name.
ROLES = word_set(
    """
    प्रधानमंत्री मुख्यमंत्री उपमुख्यमंत्री मंत्री गृहमंत्री वित्तमंत्री रक्षामंत्री राज्यमंत्री
    राष्ट्रपति उपराष्ट्रपति प्रेसिडेंट राज्यपाल सांसद विधायक पार्षद अध्यक्ष प्रदेशाध्यक्ष
    उपाध्यक्ष राष्ट्राध्यक्ष महासचिव सचिव प्रवक्ता नेता नेत्री प्रमुख चीफ सुप्रीमो संयोजक
    प्रभारी सहप्रभारी निदेशक डायरेक्टर कोच कप्तान क्रिकेटर खिलाड़ी एक्ट्रेस अभिनेता अभिनेत्री
    एक्टर सिंगर गायक गायिका लेखक लेखिका पत्रकार रिपोर्टर जज जस्टिस न्यायाधीश न्यायमूर्ति
    वकील अधिवक्ता डॉक्टर डॉ प्रोफेसर प्रो श्री श्रीमती सुश्री कलेक्टर जिलाधिकारी आयुक्त
    कमिश्नर इंस्पेक्टर दारोगा थानाध्यक्ष कोतवाल एसपी एसएसपी डीएम डीजीपी एडीजी आईजी डीआईजी
    एसएचओ सीएम पीएम सीईओ संस्थापक मालिक चेयरमैन कोषाध्यक्ष प्रचारक मेयर महापौर सरपंच
    कमांडर जनरल गवर्नर मेडलिस्ट चैंपियन एथलीट पहलवान बॉक्सर शूटर रैपर कॉमेडियन यूट्यूबर
    इन्फ्लुएंसर एडवाइजर सलाहकार अधीक्षक उपाधीक्षक सीओ एसडीएम तहसीलदार बीडीओ प्रधानाचार्य
    कुलपति अभियुक्त आरोपी दोषी पीड़िता पीड़ित ceo
    """
)

# Nouns that stand where a name would ("पुलिस ने", "कंपनी के मुताबिक") but name nobody.
GENERIC = word_set(
    """
    पुलिस सरकार सरकारों कंपनी कंपनियों कोर्ट अदालत हाईकोर्ट लोग लोगों परिजन परिजनों परिवार
    परिवारों अधिकारी अधिकारियों अफसर अफसरों टीम टीमों पार्टी पार्टियों संगठन विभाग मंत्रालय
    देश राज्य प्रदेश शहर जिले जिला गांव मामले मामला घटना हादसे हादसा दौरान इलाके इलाका
    क्षेत्र यूजर्स कर्मचारी कर्मचारियों छात्र छात्रों छात्राओं डॉक्टरों किसान किसानों नेताओं
    समर्थकों कार्यकर्ताओं युवक युवकों युवती महिला महिलाओं पुरुष बच्चे बच्चों व्यक्ति शख्स
    आरोपियों प्रशासन सूत्रों सूत्र रिपोर्ट रिपोर्ट्स एजेंसी एजेंसियों मीडिया वीडियो फोटो खबर
    खबरों जानकारी बयान आदेश फैसले फैसला मंत्रियों विधायकों सांसदों अधिकारियों जवानों जवान
    सैनिकों सैनिक सेना प्रदर्शनकारियों प्रदर्शनकारी ग्रामीणों ग्रामीण दुकानदार मरीजों मरीज
    वैज्ञानिकों विशेषज्ञों विशेषज्ञ शोधकर्ताओं अध्ययन रिसर्च स्टडी सर्वे आंकड़ों आंकड़े
    कोई सभी कई दोनों तीनों लड़के लड़की लड़कों दूल्हे दुल्हन पति पत्नी पिता मां बेटे बेटी भाई
    बहन चाचा आयोग बोर्ड निगम प्राधिकरण परिषद समिति बैंक सदन संसद विधानसभा लोकसभा राज्यसभा
    केंद्र मोर्चा यूनियन गठबंधन ट्रस्ट संस्था संस्थान विश्वविद्यालय कॉलेज स्कूल अस्पताल
    वहीं हालांकि दरअसल जहां बताया इसके उसके बाद पहले साथ तरफ ओर बीच आज कल अब फिर दिन रात
    सुबह शाम साल महीने हफ्ते समय वक्त बार जगह मौके वजह तरह बात बातें सवाल जवाब काम दावा आरोप
    दुनिया करीबी पूर्व पूर्वी पश्चिमी उत्तरी दक्षिणी ऐसे ऐसा ऐसी वैसे कैसे जैसे यहां वहां हर
    पहला पहली दूसरे दूसरा दूसरी तीसरे तीसरा तीसरी चौथे चौथा पांचवें पांचवां आखिरी अंतिम
    """
)

# Organisation nouns: "भारत सरकार", "स्वास्थ्य मंत्रालय", "भारतीय किसान संघ".
ORG_NOUNS = word_set(
    """
    सरकार मंत्रालय आयोग पुलिस विभाग बोर्ड निगम विश्वविद्यालय प्राधिकरण परिषद समिति बैंक
    हाईकोर्ट कोर्ट न्यायालय संगठन सेना संघ संस्थान मोर्चा दल पार्टी ग्रुप समूह कंपनी
    """
)
# Words before an organisation noun that make a proper name of it ("केंद्रीय", "भारत").
ORG_HEADS = word_set(
    """
    केंद्रीय केन्द्रीय केंद्र केन्द्र राज्य प्रदेश भारत भारतीय राष्ट्रीय अखिल जिला नगर
    स्वास्थ्य गृह रक्षा विदेश वित्त शिक्षा रेल कृषि चुनाव निर्वाचन मौसम आयकर प्रवर्तन
    किसान मजदूर व्यापारी छात्र महिला युवा हिंदू मुस्लिम सिख अमेरिकी चीनी पाकिस्तानी
    रिजर्व सुप्रीम हाई मोदी योगी गहलोत नीतीश ममता भाजपा बीजेपी कांग्रेस सपा बसपा राजद
    जदयू आप वायु थल नौसेना तटरक्षक सीमा सुरक्षा खुफिया अपराध
    """
)
# Organisations named by themselves.
KNOWN_ORGS = (
    "भाजपा",
    "बीजेपी",
    "कांग्रेस",
    "सपा",
    "बसपा",
    "राजद",
    "जदयू",
    "तृणमूल कांग्रेस",
    "शिवसेना",
    "इसरो",
    "नासा",
    "भारतीय जनता पार्टी",
    "आम आदमी पार्टी",
    "समाजवादी पार्टी",
    "बहुजन समाज पार्टी",
    "रिजर्व बैंक",
    "सुप्रीम कोर्ट",
    "संयुक्त राष्ट्र",
    "चुनाव आयोग",
    "भारत सरकार",
)
# News agencies are where a report comes from, not who it is about.
NEWS_AGENCIES = word_set(
    """
    एएनआई पीटीआई आईएएनएस यूएनआई भाषा वार्ता ani pti ians uni reuters afp ap रॉयटर्स
    """
)
# Spellings of one organisation that should count as one name.
ALIASES = {"बीजेपी": "भाजपा", "इस्राइल": "इजरायल"}

# Devanagari spellings of Latin letter names: "एएनआई", "डीसीजीआई" are acronyms.
LETTER_NAMES = LATIN_LETTER_NAMES
# Acronyms that are things or titles, not actors.
NOT_ACTORS = word_set(
    """
    सीसीटीवी टीवी एसी ओके पीडीएफ आईडी एसएमएस जीएसटी एके टीके बीवी यूपी एमपी पीएम सीएम डीएम
    एसपी डीजीपी एसएचओ एसडीएम सीईओ एमएलए आईएएस आईपीएस एफआईआर एलईडी ईएमआई जीडीपी ओटीपी
    एसयूवी आईसीयू ओपीडी पीपीई एनएच एलएसी एलओसी डीजी एडीजी आईजी डीआईजी सीओ बीडीओ एसएसपी
    """
)
LATIN_NOT_ACTORS = word_set(
    """
    spyware malware software hardware app apps online offline video videos news internet
    the a an of in on and or for to by with from at is are was were breaking update updates
    live photo photos image watch read more also click here download link email covid ok vs
    ceo pm cm mp mla dg sp dm ias ips fir gst emi pv ev ice led lcd cctv suv gdp otp icu
    mba phd ipl lac loc uapa vip pin atm upi kyc pdf sms gb mb mah km kg hd 4g 5g ai it faq
    """
)

# Numbers -------------------------------------------------------------------------------------
SCALE = word_set("हजार हज़ार लाख करोड़ अरब खरब million billion crore lakh thousand")
# What a count is measured in: the phrase ends after it ("6,200 करोड़ रुपये").
UNITS = word_set(
    """
    रुपये रुपए रुपया डॉलर यूरो किलोमीटर किमी मीटर सेंटीमीटर किलो किलोग्राम ग्राम टन लीटर
    प्रतिशत फीसदी साल वर्ष महीने दिन घंटे मिनट सेकंड रन विकेट ओवर गेंदों सीटों सीट वोट
    स्टेशन मामले लोग सेल्सियस अंक अंकों
    """
)
# Predicate words after a count ("30 हजार दर्शक मौजूद थे"): never part of what is counted.
PREDICATES = word_set(
    """
    मौजूद घायल गिरफ्तार बरामद तैनात उपलब्ध खर्च प्रभावित जरूरी ज़रूरी संभव बाकी ज्यादा
    ज़्यादा अधिक कम पहले बाद तक लापता शामिल बंद जारी दर्ज लगाई लगाए लगाया लगी लगे मिली
    मिले मिला बताई बताए पहुंचे पहुंची पहुंचा बिके बिकी बेचे बेची खरीदे खरीदी पकड़े पकड़ी
    मारे मरे गंवाई हुईं गईं
    """
)
# Counts written as words. "एक" is left out: it is also the article "a".
NUMBER_WORDS = word_set(
    """
    दो तीन चार पांच पाँच छह छः सात आठ नौ दस ग्यारह बारह बीस तीस चालीस पचास सौ सैकड़ों
    हजारों लाखों करोड़ों दर्जनों
    """
)

# Quotes --------------------------------------------------------------------------------------
# Words that end a speaker read backwards from "ने" ("की रात WhatsApp ने").
TIME_WORDS = word_set(
    """
    रात सुबह शाम दोपहर दिन दिनों आज कल बाद पहले दौरान वहीं वहां यहां साथ भी ही पिछले पिछली
    अगले हफ्ते साल महीने तड़के देर
    """
)
# Sources that are no speaker ("वर्तमान स्थिति के अनुसार"); institutions such as "पुलिस"
# or "कंपनी" are kept, "पुलिस: ..." tells the reader who said it.
GENERIC_SPEAKERS = word_set(
    """
    जानकारी प्रस्ताव स्थिति आंकड़ों आंकड़े नियम नियमों योजना खबर खबरों सूचना दावे अनुमान
    बयान शिकायत आदेश लोगों लोग
    """
)
# Media as a source ("ताइपे टाइम्स के मुताबिक", "रिपोर्ट के अनुसार") attributes facts, it
# makes no statement of its own: not a speaker for a `quote`.
MEDIA_SOURCES = word_set(
    """
    रिपोर्ट रिपोर्ट्स रिपोर्टों टाइम्स मीडिया अखबार अख़बार एजेंसी एजेंसियों चैनल न्यूज़ न्यूज
    पत्रिका सूत्रों सूत्र
    """
)
# "एक युवक ने बताया", "किसी अधिकारी ने कहा": the speaker is someone unnamed.
INDEFINITE = word_set("एक किसी कुछ")

# Places --------------------------------------------------------------------------------------
# "कैमला गांव", "करनाल जिले": the word before these is a place.
PLACE_NOUNS = word_set("गांव गाँव जिले जिला शहर कस्बे कस्बा तहसील प्रखंड थाना थाने")
PLACE_POSTPOSITIONS = word_set("में से पहुंचे पहुंची पहुंचा")
# "वेस्टइंडीज दौरे से": a known place before these is where the story goes.
TOUR_WORDS = word_set("दौरे दौरा दौरों यात्रा")

# Phrase boundaries -----------------------------------------------------------------------------
# A name never contains these (pronouns, postpositions, auxiliaries, conjunctions).
NAME_STOPS = STOPWORDS - word_set("जो")
