"""Place names for `where` facts: a short gazetteer plus Hindi place-name endings.

There is no offline Hindi place recogniser; news stories mostly name states, big cities and
countries, which a few hundred names cover. Smaller towns are caught by their endings
(-पुर, -बाद, -गढ़, -गंज) when they stand before "में"/"से".
"""

from __future__ import annotations

from functools import lru_cache

from digests.normalize import fold_nukta


def _names(text: str) -> frozenset[str]:
    return frozenset(fold_nukta(line.strip()) for line in text.strip().splitlines() if line)


# One name per line (several words allowed); spelled as Hindi papers usually do.
KNOWN_PLACES = _names(
    """
    भारत
    हिंदुस्तान
    दिल्ली
    नई दिल्ली
    नयी दिल्ली
    मुंबई
    कोलकाता
    चेन्नई
    बेंगलुरु
    बेंगलुरू
    बंगलौर
    हैदराबाद
    अहमदाबाद
    पुणे
    सूरत
    जयपुर
    लखनऊ
    कानपुर
    नागपुर
    इंदौर
    भोपाल
    पटना
    रांची
    रायपुर
    भुवनेश्वर
    गुवाहाटी
    चंडीगढ़
    देहरादून
    शिमला
    श्रीनगर
    जम्मू
    लेह
    अमृतसर
    लुधियाना
    जालंधर
    वाराणसी
    प्रयागराज
    इलाहाबाद
    आगरा
    मथुरा
    अयोध्या
    गोरखपुर
    मेरठ
    गाजियाबाद
    नोएडा
    गुरुग्राम
    गुड़गांव
    फरीदाबाद
    जोधपुर
    उदयपुर
    कोटा
    अजमेर
    बीकानेर
    ग्वालियर
    जबलपुर
    उज्जैन
    विशाखापत्तनम
    विजयवाड़ा
    अमरावती
    तिरुवनंतपुरम
    कोच्चि
    कोझिकोड
    मदुरै
    कोयंबटूर
    मैसूर
    मंगलुरु
    पणजी
    गोवा
    शिलांग
    इंफाल
    आइजोल
    कोहिमा
    ईटानगर
    अगरतला
    गंगटोक
    पोर्ट ब्लेयर
    पुडुचेरी
    सिलीगुड़ी
    धनबाद
    जमशेदपुर
    मुजफ्फरपुर
    भागलपुर
    हरिद्वार
    ऋषिकेश
    नैनीताल
    नासिक
    औरंगाबाद
    उत्तर प्रदेश
    मध्य प्रदेश
    हिमाचल प्रदेश
    आंध्र प्रदेश
    अरुणाचल प्रदेश
    महाराष्ट्र
    राजस्थान
    गुजरात
    पंजाब
    हरियाणा
    बिहार
    झारखंड
    छत्तीसगढ़
    ओडिशा
    उड़ीसा
    पश्चिम बंगाल
    बंगाल
    असम
    मेघालय
    मणिपुर
    मिजोरम
    नगालैंड
    नागालैंड
    त्रिपुरा
    सिक्किम
    उत्तराखंड
    कर्नाटक
    केरल
    तमिलनाडु
    तेलंगाना
    जम्मू कश्मीर
    जम्मू-कश्मीर
    कश्मीर
    लद्दाख
    लक्षद्वीप
    अंडमान
    पाकिस्तान
    चीन
    नेपाल
    भूटान
    बांग्लादेश
    श्रीलंका
    म्यांमार
    अफगानिस्तान
    ईरान
    इराक
    इजरायल
    इस्राइल
    फलस्तीन
    सऊदी अरब
    दुबई
    यूएई
    कतर
    तुर्की
    रूस
    यूक्रेन
    अमेरिका
    कनाडा
    मेक्सिको
    ब्राजील
    अर्जेंटीना
    ब्रिटेन
    इंग्लैंड
    लंदन
    फ्रांस
    पेरिस
    जर्मनी
    इटली
    स्पेन
    जापान
    टोक्यो
    कोरिया
    सिंगापुर
    मलेशिया
    इंडोनेशिया
    थाईलैंड
    ऑस्ट्रेलिया
    न्यूजीलैंड
    दक्षिण अफ्रीका
    अफ्रीका
    यूरोप
    एशिया
    वॉशिंगटन
    न्यूयॉर्क
    मॉस्को
    बीजिंग
    इस्लामाबाद
    काठमांडू
    ढाका
    कोलंबो
    ताइवान
    ताइपे
    हांगकांग
    वियतनाम
    फिलीपींस
    मालदीव
    मिस्र
    सीरिया
    यमन
    ओमान
    कुवैत
    बहरीन
    जॉर्डन
    लेबनान
    स्विट्जरलैंड
    नीदरलैंड
    बेल्जियम
    स्वीडन
    नॉर्वे
    डेनमार्क
    फिनलैंड
    पोलैंड
    ग्रीस
    पुर्तगाल
    आयरलैंड
    स्कॉटलैंड
    वेस्टइंडीज
    वेस्ट इंडीज
    जिम्बाब्वे
    केन्या
    नाइजीरिया
    उत्तर कोरिया
    दक्षिण कोरिया
    साउथ कोरिया
    सिडनी
    मेलबर्न
    शंघाई
    """
)

# Buildings where news happens (a house of parliament, a seat of government): any mention
# of one is a place of the story, with or without "में" after it ("व्हाइट हाउस के रोज
# गार्डन में").
VENUES = _names(
    """
    लोकसभा
    राज्यसभा
    संसद
    विधानसभा
    विधान सभा
    विधान परिषद
    व्हाइट हाउस
    राष्ट्रपति भवन
    राजभवन
    क्रेमलिन
    """
)
KNOWN_PLACES |= VENUES

# First words of the multi-word names ("उत्तर" of "उत्तर प्रदेश"): a two-word place is only
# looked up when its first word is one of these.
PLACE_FIRST_WORDS = frozenset(name.split()[0] for name in KNOWN_PLACES if " " in name)
# Every word a known place can start with (one-word places and first words of the others).
PLACE_KEYS = frozenset(name for name in KNOWN_PLACES if " " not in name) | PLACE_FIRST_WORDS

# Endings of Indian town names ("सीतापुर", "मुरादाबाद", "अलीगढ़", "हजरतगंज").
TOWN_ENDINGS = ("पुर", "पुरा", "बाद", "गढ", "गंज")
_MIN_SUFFIX_NAME = 4  # "पुर" alone or "गढ" alone are words, not towns


@lru_cache(maxsize=8192)
def is_place(name: str) -> bool:
    """Whether `name` (one to three words) is a known place or looks like a town name.

    Cached: fact patterns ask about the same few hundred words in every article. The ending
    is tested with str.endswith: the key is stripped, so a suffix regex anchored with "$"
    asked the same question at several times the cost on every word not seen before.
    """
    key = fold_nukta(name.strip())
    if key in KNOWN_PLACES:
        return True
    return " " not in key and len(key) >= _MIN_SUFFIX_NAME and key.endswith(TOWN_ENDINGS)
