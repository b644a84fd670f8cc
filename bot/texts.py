"""Every Hindi sentence the bot says, in one place, so wording is reviewed and changed here.

Grouped by area, each under a `# --- area ---` header. Texts are Telegram HTML unless their
area says plain text (the command line, the terminal chat, the operator's log): anything that
comes from a user or an article is escaped by the caller before it is put in.
"""

from __future__ import annotations

# --- Command list ---
# (command, one-line Hindi description, admin only) in the order /help shows them.
COMMANDS: tuple[tuple[str, str, bool], ...] = (
    ("start", "सदस्यता शुरू करें: रोज़ सुबह ख़बरों का डाइजेस्ट", False),
    ("digest", "अभी का डाइजेस्ट: जो ख़बरें आपने नहीं पढ़ीं", False),
    ("stories", "हाल की कहानियाँ, उनके नंबर के साथ", False),
    ("story", "एक कहानी पूरी देखें: /story 3", False),
    ("follow", "कहानी फॉलो करें, उसकी नई जानकारी आते ही पाएँ: /follow 3", False),
    ("unfollow", "कहानी फॉलो करना बंद करें: /unfollow 3", False),
    ("following", "आप कौन-सी कहानियाँ फॉलो कर रहे हैं", False),
    ("time", "डाइजेस्ट का समय देखें या बदलें: /time 07:30", False),
    ("quiet", "रात में अपडेट न भेजने का समय: /quiet 22:00-07:00 या /quiet off", False),
    ("tz", "समय क्षेत्र देखें या बदलें: /tz Asia/Kolkata", False),
    ("stop", "सदस्यता रोकें: डाइजेस्ट और अपडेट बंद (सेटिंग्स बनी रहेंगी)", False),
    ("help", "यह सूची", False),
    ("post", "लेख जोड़ें: /post के बाद लेख, फ़ाइल या URL", True),
    ("move", "लेख को दूसरी कहानी में डालें: /move लेख कहानी", True),
    ("split", "लेख को उसकी कहानी से अलग, नई कहानी बनाएँ: /split लेख", True),
    ("stats", "आँकड़े: सदस्य, लेख, कहानियाँ, आज भेजे डाइजेस्ट", True),
    ("cancel", "इंतज़ार कर रहा /post रद्द करें", True),
)

# --- Subscribing: /start, /stop ---
WELCOME = (
    "नमस्ते{name}! 🙏 मैं <b>ख़बर</b> हूँ।\n\n"
    "संपादक जो ख़बरें जोड़ते हैं, मैं हर एक का छोटा सार (1-3 वाक्य) और मुख्य तथ्य "
    "(कब, कितने, कौन, किसने क्या कहा) तैयार करता हूँ, और रोज़ सुबह आपको एक डाइजेस्ट भेजता हूँ।\n\n"
    "⏰ आपका डाइजेस्ट रोज़ <b>{time}</b> बजे ({tz}) आएगा।\n"
    "अभी पढ़ने के लिए /digest, समय बदलने के लिए /time 07:30, सारे कमांड के लिए /help।"
)
WELCOME_BACK = (
    "फिर से स्वागत है{name}! 🙏 आपकी सदस्यता दोबारा शुरू हो गई है।\n"
    "⏰ डाइजेस्ट रोज़ <b>{time}</b> बजे ({tz}) आएगा। अभी पढ़ने के लिए /digest।"
)
ALREADY_SUBSCRIBED = (
    "आप पहले से सदस्य हैं{name}। ⏰ डाइजेस्ट रोज़ <b>{time}</b> बजे ({tz}) आता है।\n"
    "अभी पढ़ने के लिए /digest, सारे कमांड के लिए /help।"
)
STOPPED = (
    "आपकी सदस्यता रोक दी गई है: अब न सुबह का डाइजेस्ट आएगा, न फॉलो की गई कहानियों के अपडेट।\n"
    "आपकी सेटिंग्स और फॉलो सुरक्षित हैं: /start भेजते ही डाइजेस्ट और अपडेट दोनों फिर शुरू हो जाएँगे।"
)
NOT_SUBSCRIBED = "आप अभी सदस्य नहीं हैं। सदस्यता के लिए /start भेजें।"

# --- /help ---
HELP_HEADER = "<b>ख़बर के कमांड</b>"
HELP_ADMIN_HEADER = "<b>संपादकों (एडमिन) के लिए</b>"
HELP_POSTING = (
    "<b>लेख कैसे भेजें</b> (संपादक)\n"
    "• <code>/post</code> के बाद उसी संदेश में लेख: पहली पंक्ति शीर्षक, बाक़ी लेख।\n"
    "• किसी संदेश (लेख) के जवाब में <code>/post</code>।\n"
    "• .txt या .html फ़ाइल, कैप्शन में <code>/post</code>।\n"
    "• <code>/post https://...</code>: पन्ना खोलकर लेख निकाल लिया जाएगा।\n"
    "• सिर्फ़ <code>/post</code> भेजें, फिर अगला संदेश लेख माना जाएगा।\n"
    "टर्मिनल में लंबा लेख: <code>/post</code> लिखकर Enter दबाएँ, लेख चिपकाएँ, "
    "और आख़िर में अकेली पंक्ति में <code>.</code> लिखें।"
)

# --- Digest time and time zone: /time, /tz ---
TIME_SHOW = "⏰ आपका डाइजेस्ट रोज़ <b>{time}</b> बजे ({tz}) आता है।\nबदलने के लिए: /time 07:30"
TIME_SET = "✅ ठीक है! अब डाइजेस्ट रोज़ <b>{time}</b> बजे ({tz}) आएगा। अगला: {next}।"
# After /stop nothing is scheduled: the setting is kept for when the reader comes back.
TIME_SHOW_STOPPED = (
    "⏰ आपका डाइजेस्ट समय <b>{time}</b> बजे ({tz}) है, पर सदस्यता अभी रुकी हुई है। "
    "/start भेजते ही डाइजेस्ट इसी समय आने लगेगा।"
)
TIME_SET_STOPPED = (
    "✅ समय <b>{time}</b> बजे ({tz}) सहेज लिया। आपकी सदस्यता अभी रुकी हुई है, "
    "इसलिए डाइजेस्ट /start भेजने के बाद से इसी समय आएगा।"
)
TIME_USAGE = (
    "समय इस तरह लिखें: <code>/time 07:30</code>\n"
    "24 घंटे की घड़ी में, 00:00 से 23:59 तक (जैसे शाम 6 बजे के लिए 18:00)।"
)
TZ_SHOW = "🌍 आपका समय क्षेत्र: <b>{tz}</b> (अभी वहाँ {local} बजे हैं)।\nबदलने के लिए: /tz Asia/Kolkata"
TZ_SET = "✅ समय क्षेत्र अब <b>{tz}</b> है। डाइजेस्ट वहाँ के {time} बजे आएगा। अगला: {next}।"
TZ_SET_STOPPED = (
    "✅ समय क्षेत्र <b>{tz}</b> सहेज लिया। आपकी सदस्यता अभी रुकी हुई है, "
    "इसलिए डाइजेस्ट /start भेजने के बाद से वहाँ के {time} बजे आएगा।"
)
TZ_USAGE = (
    "समय क्षेत्र इस तरह लिखें: <code>/tz Asia/Kolkata</code>\n"
    "IANA नाम चाहिए, जैसे Asia/Kolkata, Asia/Dubai, Europe/London, America/New_York।"
)

# --- The digest ---
DIGEST_HEADER = "🗞 <b>आपका ख़बर डाइजेस्ट</b> · {date}"
DIGEST_HEADER_RECENT = (
    "🗞 <b>पिछले 24 घंटे की ख़बरें</b> · {date}\n(नई ख़बर नहीं थी, इसलिए हाल की ख़बरें दोबारा)"
)
DIGEST_EMPTY = "अभी कोई ख़बर नहीं है। जैसे ही संपादक नई ख़बरें जोड़ेंगे, वे आपके डाइजेस्ट में आएँगी।"

# --- Stories: /stories, /story ---
STORIES_HEADER = "📚 <b>हाल की कहानियाँ</b>"
STORIES_LINE = "<b>#{id}</b> {title} · {count} लेख · {date}"
STORIES_FOOTER = "कोई कहानी पूरी देखने के लिए: /story नंबर"
STORIES_EMPTY = "अभी कोई कहानी नहीं है।"
STORY_USAGE = "कहानी का नंबर लिखें, जैसे: <code>/story 3</code> (नंबर /stories में मिलेंगे)।"
STORY_NOT_FOUND = "कहानी #{id} नहीं मिली। सूची के लिए /stories भेजें।"
# A story number whose articles an admin moved elsewhere (see bot.posting.missing_story_text).
STORY_MOVED = (
    "कहानी #{id} के सारे लेख कहानी <b>#{target}</b> में ले जाए गए हैं। उसे देखने के लिए: /story {target}"
)
STORY_EMPTIED = "कहानी #{id} के सारे लेख दूसरी कहानियों में ले जाए गए हैं। सूची के लिए /stories भेजें।"
STORY_HEADER = "📖 <b>कहानी #{id}: {title}</b>\n{count} लेख · पहला {first}, ताज़ा {last}"
TIMELINE_EARLIER = "… इससे पहले {count} लेख"
# {date} is the event's date as the article states it, else TIMELINE_POSTED.
TIMELINE_LINE = "{n}. <i>{date}</i> · लेख {article}: {summary}"
TIMELINE_POSTED = "(पोस्ट: {date})"

# --- Posting articles (admins): /post ---
POST_SAVED_NEW = "✅ लेख {article} सहेजा गया: नई कहानी <b>#{story}</b>"
POST_SAVED_CONTINUED = (
    "✅ लेख {article} सहेजा गया: पुरानी कहानी <b>#{story}</b> «{title}» में जुड़ा"
    "{followers}\nग़लत कहानी? /split {article} या /move {article} कहानी-नंबर"
)
POST_DUPLICATE = "ℹ️ यह लेख पहले से सहेजा हुआ है (कहानी <b>#{story}</b>), दोबारा नहीं जोड़ा।"
POST_USAGE = (
    "लेख नहीं मिला। /post के बाद लेख लिखें (पहली पंक्ति शीर्षक), किसी संदेश के जवाब में "
    "/post भेजें, कैप्शन /post वाली .txt/.html फ़ाइल भेजें, या /post URL।"
)
POST_WAITING = "ठीक है, अब लेख भेजिए (पहली पंक्ति शीर्षक)। रद्द करने के लिए /cancel।"
POST_CANCELLED = "ठीक है, लेख जोड़ना रद्द किया।"
NOTHING_TO_CANCEL = "रद्द करने को कुछ नहीं है: कोई /post लेख का इंतज़ार नहीं कर रहा।"
POST_EMPTY = "इस लेख में पढ़ने लायक कोई वाक्य नहीं मिला (सिर्फ़ विज्ञापन या ख़ाली पंक्तियाँ?)।"
POST_NOT_HINDI = "यह लेख हिंदी में नहीं लगता। ख़बर अभी सिर्फ़ हिंदी (देवनागरी) लेख लेता है।"
POST_TRUNCATED = "⚠️ लेख बहुत लंबा था, इसलिए उसका शुरुआती हिस्सा ही लिया गया।"
POST_BAD_FILE = "यह फ़ाइल नहीं ले सकता। सिर्फ़ .txt या .html फ़ाइल भेजें (अधिकतम {mb} MB)।"
POST_BAD_ENCODING = "फ़ाइल पढ़ी नहीं जा सकी: वह UTF-8 टेक्स्ट नहीं लगती।"
FETCH_FAILED = "यह पन्ना खोला नहीं जा सका ({reason})। URL जाँचें, या लेख का टेक्स्ट सीधे भेजें।"
# A /post the stopping bot could not finish (its page was still loading): it is journaled
# and finished at the next start, and its admin told then (RECOVERED_*).
POST_AFTER_RESTART = (
    "⏸️ ख़बर बंद हो रहा है, इसलिए यह लेख अभी पूरा नहीं हुआ। दोबारा चालू होते ही ख़बर इसे "
    "अपने-आप पूरा करके यहीं बताएगा: फिर से भेजने की ज़रूरत नहीं।"
)
# Said at start-up about a /post a stop, crash or kill interrupted, before its usual reply.
RECOVERED_DONE = (
    "🔄 ख़बर के रुकने से आपका एक /post अधूरा रह गया था ({when} को भेजा: {what})। "
    "दोबारा चालू होने पर उसे पूरा किया:"
)
RECOVERED_FAILED = (
    "🔄 ख़बर के रुकने से आपका एक /post अधूरा रह गया था ({when} को भेजा: {what})। "
    "दोबारा चालू होने पर फिर कोशिश की, पर लेख नहीं सहेजा जा सका:"
)
RECOVERED_FILE = "फ़ाइल {name}"
FETCH_BAD_URL = "URL सही नहीं लगता। ऐसा लिखें: <code>/post https://example.com/khabar</code>"

# --- Refusals, hints and errors in a chat ---
NOT_ADMIN = "माफ़ कीजिए, यह कमांड सिर्फ़ संपादकों (एडमिन) के लिए है।"
UNKNOWN_COMMAND_SHORT = "यह बटन अब काम नहीं करता"
UNKNOWN_COMMAND = "यह कमांड मैं नहीं पहचानता। सारे कमांड देखने के लिए /help भेजें।"
# Plain text, an empty message, a sticker or a reader's file: one answer, pointing to /help.
PLAIN_TEXT_HINT = (
    "मैं बातचीत या ऐसे संदेश नहीं समझता, सिर्फ़ कमांड 🙂 ख़बरें पढ़ने के लिए /digest, सारे कमांड देखने के लिए /help भेजें।"
)
# A forwarded message in a private chat: it is never run, even when it reads like a command.
FORWARDED_HINT = "आगे भेजे (फ़ॉरवर्ड किए) संदेश कमांड नहीं माने जाते। कमांड ख़ुद लिखकर भेजें: /help"
# A group member (not one of the group's admins) tried to change the group's subscription.
GROUP_ADMINS_ONLY = "इस ग्रुप की सेटिंग सिर्फ़ ग्रुप के एडमिन बदल सकते हैं।"
INTERNAL_ERROR = "माफ़ कीजिए, कुछ गड़बड़ हो गई। आपका डेटा सुरक्षित है; थोड़ी देर बाद फिर कोशिश करें।"

# --- /stats (admins) ---
# /stats ends with the last sender run, or STATS_NO_RUN before the first one.
STATS_LAST_RUN = (
    "पिछला प्रसारण ({run_at}): {run_sent} संदेश भेजे, {run_retried} दोबारा भेजे, "
    "{run_failed} विफल, {run_inactive} नए निष्क्रिय, {run_seconds} सेकंड"
)
STATS_NO_RUN = "पिछला प्रसारण: अभी तक कोई प्रसारण नहीं हुआ।"
STATS = (
    "📊 <b>आँकड़े</b>\n"
    "सदस्य: {active} सक्रिय, {inactive} निष्क्रिय\n"
    "लेख: {articles} · कहानियाँ: {stories}\n"
    "आज ({date}) भेजे गए डाइजेस्ट: {digests_today}\n"
    "भेजने की क़तार में: {pending}\n{last_run}"
)

# --- Following stories and their updates: /follow, /unfollow, /following ---
FOLLOW_BUTTON = "🔔 #{story} फॉलो करें"
UNFOLLOW_BUTTON = "🔕 #{story} अनफॉलो"
STORY_BUTTON = "📖 #{story}"
FOLLOWED = (
    "🔔 आप कहानी <b>#{story}</b> «{title}» फॉलो कर रहे हैं। इसमें नई जानकारी आते ही "
    "आपको बताया जाएगा (रात {quiet} के बीच की ख़बर आपके अगले डाइजेस्ट में)।"
)
FOLLOWED_NO_QUIET = (
    "🔔 आप कहानी <b>#{story}</b> «{title}» फॉलो कर रहे हैं। इसमें नई जानकारी आते ही आपको बताया जाएगा।"
)
ALREADY_FOLLOWING = "आप कहानी <b>#{story}</b> पहले से फॉलो कर रहे हैं।"
UNFOLLOWED = "🔕 कहानी <b>#{story}</b> का फॉलो बंद। अब इसके अपडेट नहीं आएँगे।"
NOT_FOLLOWING = "आप कहानी <b>#{story}</b> फॉलो नहीं कर रहे थे।"
# /unfollow N or 🔕 #N for a story an admin emptied with /move: its follows went to #target.
UNFOLLOWED_MOVED = (
    "🔕 कहानी #{story} अब <b>#{target}</b> में है; #{target} अनफॉलो कर दिया। अब इसके अपडेट नहीं आएँगे।"
)
NOT_FOLLOWING_MOVED = "कहानी #{story} अब <b>#{target}</b> में है, और आप #{target} फॉलो नहीं कर रहे थे।"
TOAST_UNFOLLOWED_MOVED = "🔕 #{story} अब #{target} में है; #{target} अनफॉलो कर दिया"
TOAST_NOT_FOLLOWING_MOVED = "#{story} अब #{target} में है; आप #{target} फॉलो नहीं कर रहे थे"
FOLLOW_USAGE = "कहानी का नंबर लिखें, जैसे: <code>/follow 3</code> (नंबर /stories में मिलेंगे)।"
UNFOLLOW_USAGE = "कहानी का नंबर लिखें, जैसे: <code>/unfollow 3</code> (सूची: /following)।"
FOLLOWING_HEADER = "🔔 <b>आप ये कहानियाँ फॉलो कर रहे हैं</b>"
FOLLOWING_EMPTY = "आप अभी कोई कहानी फॉलो नहीं कर रहे। किसी कहानी के नीचे 🔔 बटन दबाएँ या /follow नंबर भेजें।"
TOAST_FOLLOWED = "🔔 कहानी #{story} फॉलो की"
TOAST_UNFOLLOWED = "🔕 कहानी #{story} का फॉलो बंद"
FOLLOW_INACTIVE = "आपकी सदस्यता अभी रुकी हुई है, इसलिए अपडेट नहीं आ सकते। पहले /start भेजें, फिर फॉलो करें।"
TOAST_INACTIVE = "पहले /start भेजें: सदस्यता रुकी हुई है"
TOAST_GONE = "यह कहानी अब नहीं है"
# Following before /start subscribes the reader: say so, and how to change or stop it,
# instead of starting a daily message they never asked for.
SUBSCRIBED_BY_FOLLOW = (
    "ℹ️ अपडेट भेजने के लिए आपकी सदस्यता भी शुरू कर दी गई है: अब रोज़ <b>{time}</b> बजे ({tz}) "
    "डाइजेस्ट भी आएगा, और रात के शांत समय के अपडेट अगले डाइजेस्ट में आएँगे। "
    "समय बदलने के लिए /time 08:00; डाइजेस्ट (और अपडेट) रोकने के लिए /stop।"
)
# A 🔔 under an old message for a story an admin emptied with /move.
TOAST_FOLLOW_MOVED = "कहानी #{story} अब #{target} में है: /follow {target}"

UPDATE_HEADER = "🔔 <b>कहानी #{story} में नया</b>: {title}"
NEW_FACTS_LABEL = "🆕 नया"

# --- Quiet hours: /quiet ---
QUIET_SHOW = "🌙 रात का शांत समय: <b>{start}-{end}</b> ({tz})। इस बीच के अपडेट आपके अगले डाइजेस्ट में आते हैं।"
QUIET_OFF_SHOW = "🌙 शांत समय बंद है: अपडेट किसी भी समय आ सकते हैं। चालू करें: /quiet 22:00-07:00"
QUIET_SET = "✅ शांत समय अब <b>{start}-{end}</b> ({tz}) है।"
QUIET_OFF = "✅ शांत समय बंद: अपडेट किसी भी समय आएँगे।"
QUIET_USAGE = (
    "शांत समय इस तरह लिखें: <code>/quiet 22:00-07:00</code> (24 घंटे की घड़ी), "
    "या बंद करने के लिए <code>/quiet off</code>।"
)

# --- Editing stories (admins): /move, /split ---
MOVE_USAGE = "ऐसे लिखें: <code>/move 12 3</code> (लेख 12 को कहानी #3 में डालें)।"
SPLIT_USAGE = "ऐसे लिखें: <code>/split 12</code> (लेख 12 को अलग नई कहानी बनाएँ)।"
ARTICLE_NOT_FOUND = "लेख {article} नहीं मिला।"
MOVED = "✅ लेख {article} अब कहानी <b>#{story}</b> «{title}» में है{followers}।"
MOVE_SAME = "लेख {article} पहले से कहानी #{story} में है।"
SPLIT_DONE = "✅ लेख {article} अब अलग कहानी <b>#{story}</b> «{title}» है{followers}।"
SPLIT_ALONE = "लेख {article} अपनी कहानी #{story} में अकेला है, अलग करने को कुछ नहीं।"
# The note on the story's followers in the /post, /move and /split replies ({followers}): who
# gets the update now and who in their next digest (their quiet hours; a digest may be set
# for any hour, so not "morning").
FOLLOWERS_NOTE = " (फॉलोअर: {parts}; सिर्फ़ वही जो उनके लिए नया है)"
FOLLOWERS_NOW = "{count} को अभी अपडेट"
FOLLOWERS_MORNING = "{count} को उनके अगले डाइजेस्ट में (उनका शांत समय)"

# --- The `khabar` command line ---
# Plain text on a terminal, no HTML. `summarize` prints a reason on stderr; `ingest` ends its
# error lines with one, so each stays one short line.
CLI_FILE_ERROR = "फ़ाइल नहीं पढ़ी जा सकी: {path}: {reason}"
FILE_NOT_FOUND = "फ़ाइल नहीं मिली"
FILE_IS_FOLDER = "यह फ़ोल्डर है, फ़ाइल नहीं"
FILE_NO_PERMISSION = "पढ़ने की अनुमति नहीं"
FILE_NOT_REGULAR = "यह साधारण फ़ाइल नहीं (FIFO, डिवाइस या सॉकेट), इसे पढ़ा नहीं जाता"
FILE_UNREADABLE = "पढ़ी नहीं जा सकी ({detail})"
NOT_HINDI = "यह लेख हिंदी में नहीं लगता"
NO_SENTENCES = "लेख में पढ़ने लायक कोई वाक्य नहीं मिला"
ONLY_TEXT_FILES = "सिर्फ़ .txt, .md या .html फ़ाइल (5 MB तक) चाहिए"
NOT_UTF8 = "फ़ाइल UTF-8 टेक्स्ट नहीं लगती"
ONLY_HTTP = "सिर्फ़ http:// या https:// वाले पते खोले जा सकते हैं"
EMPTY_FOLDER = "इस फ़ोल्डर में कोई लेख (.txt, .md, .html) नहीं मिला"
DISK_FULL = "डिस्क भर गई है, लेख सहेजा नहीं गया"
STORE_FAILED = "डेटाबेस में लिखा नहीं जा सका ({detail})"
UNEXPECTED_ERROR = "अनचाही गड़बड़ हुई, लेख सहेजा नहीं गया (ब्योरे के लिए khabar -v ingest ...)"
# `summarize` on stderr: one of the reasons above, as a sentence.
SUMMARIZE_FAILED = "{reason}।"
SUMMARIZE_USAGE = "एक फ़ाइल (या -) दें, या --jsonl IN।"
# `summarize` without --json, on stdout; each fact follows on its own line.
SUMMARY = "शीर्षक: {title}\n\nसार: {summary}\n\nमुख्य तथ्य:"
EVAL_NO_ARTICLES = "कोई लेख नहीं मिला (हर पंक्ति में text और summary चाहिए)।"
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN सेट नहीं है। BotFather से टोकन लेकर export करें, "
    "या बिना टोकन के टर्मिनल में आज़माएँ: khabar chat --demo"
)
# Any command (exit 2): a setting cannot be used (CONFIG_* below say why), or the database
# cannot be opened (DATABASE_UNAVAILABLE).
CONFIG_ERROR = "सेटिंग में गड़बड़: {error}"

# --- The database ---
# `khabar run` when another one already runs on the same database (one line, exit 2).
ALREADY_RUNNING = (
    "ख़बर इस डेटाबेस पर पहले से चल रहा है{holder}: {path}। एक डेटाबेस पर एक ही khabar run "
    "चल सकता है (दो हों तो हर डाइजेस्ट दो बार जाता है): पहले वाला रोकें या --db से दूसरा "
    "डेटाबेस दें।"
)
ALREADY_RUNNING_HOLDER = " (प्रक्रिया {pid})"
# A logged "database is locked" (without -v): the log line, then why, instead of a traceback.
DATABASE_BUSY_LOG = "{message}: डेटाबेस किसी और प्रक्रिया ने रोक रखा है ({failure})"
# A database that cannot be used (one line, exit 2): the path, then why (DB_* below, each
# ending with the system's or SQLite's own words).
DATABASE_UNAVAILABLE = "डेटाबेस नहीं खुला: {path}: {reason}"
DB_IS_FOLDER = "यह फ़ोल्डर है, डेटाबेस फ़ाइल नहीं (--db को फ़ाइल का रास्ता दें)"
DB_NO_FOLDER = "इसका फ़ोल्डर नहीं बन सका ({detail})"
DB_NOT_A_DATABASE = "यह SQLite डेटाबेस फ़ाइल नहीं है ({detail})"
DB_CANNOT_OPEN = "फ़ाइल खुल नहीं सकी: रास्ता और अनुमति जाँचें ({detail})"
DB_READ_ONLY = "फ़ाइल में लिखने की अनुमति नहीं ({detail})"
DB_BUSY = "डेटाबेस किसी और प्रक्रिया ने रोक रखा है ({detail})"
DB_CORRUPT = "डेटाबेस फ़ाइल ख़राब है ({detail})"
DB_OTHER = "SQLite त्रुटि ({detail})"
DB_NEWER_SCHEMA = (
    "डेटाबेस का स्कीमा {found} ख़बर के नए संस्करण का है, यह संस्करण {latest} तक "
    "ही जानता है: ख़बर को अपडेट करें (डेटाबेस में कुछ नहीं बदला गया)"
)
DB_LOCK_FILE_OPEN = "ताले की फ़ाइल खुल नहीं सकी ({lock}: {detail}): रास्ता और अनुमति जाँचें"
DB_LOCK_FILE_LOCK = "ताले की फ़ाइल पर ताला नहीं लग सका ({lock}: {detail})"
# Logged while another process holds the database's write lock (%s the path, %.0f seconds).
DATABASE_WAITING_LOG = "डेटाबेस %s में कोई और प्रक्रिया लिख रही है (%.0f सेकंड से); इंतज़ार जारी"

# --- Fetching pages ---
# Why a page could not be fetched (`/post <url>`, `khabar ingest <url>`): short reasons shown
# inside FETCH_FAILED and as the last column of `khabar ingest` error lines.
FETCH_NOT_HTTP = "URL http:// या https:// से शुरू होना चाहिए"
FETCH_NO_HOST = "URL में होस्ट नहीं है"
FETCH_BAD_ADDRESS = "URL का पता (होस्ट या पोर्ट) सही नहीं है"
FETCH_HOST_NOT_FOUND = "होस्ट नहीं मिला"
FETCH_PRIVATE_ADDRESS = "यह पता निजी नेटवर्क का है, इसे नहीं खोल सकते"
FETCH_BAD_REDIRECT = "अजीब रीडायरेक्ट"
FETCH_BAD_REDIRECT_ADDRESS = "रीडायरेक्ट का पता सही नहीं है"
FETCH_TOO_MANY_REDIRECTS = "बहुत ज़्यादा रीडायरेक्ट"
FETCH_TIMED_OUT = "समय सीमा ख़त्म"
FETCH_DEADLINE_PASSED = "{seconds:g} सेकंड में पन्ना पूरा नहीं आया"
FETCH_NETWORK_ERROR = "नेटवर्क त्रुटि"
FETCH_TOO_LARGE = "पन्ना 5 MB से बड़ा है"
FETCH_NOT_A_PAGE = "यह वेब पन्ना नहीं, {kind} है"
FETCH_STOPPING = "बॉट बंद हो रहा है"

# --- Settings ---
# Why a setting cannot be used (bot.config.ConfigError, shown after CONFIG_ERROR): each names
# its variable and repeats the value given.
CONFIG_ADMINS = (
    "KHABAR_ADMINS में टेलीग्राम यूज़र आईडी (1 से 4503599627370495 तक के अंक) "
    "अल्पविराम से अलग करके दें, जैसे 111111111,222222222; ग़लत: {part!r} "
    "(पूरा मान: {raw!r})"
)
CONFIG_TZ = "KHABAR_TZ कोई IANA समय क्षेत्र नहीं है (जैसे Asia/Kolkata); मिला: {value!r}"
CONFIG_DIGEST_TIME = "KHABAR_DIGEST_TIME 24 घंटे की घड़ी में HH:MM हो (जैसे 07:00); मिला: {value!r}"
CONFIG_GRACE_NEGATIVE = "KHABAR_GRACE_HOURS ऋणात्मक नहीं हो सकता; मिला: {hours:g}"
CONFIG_OUT_OF_RANGE = "{name} शून्य से बड़ी और {most:g} तक हो; मिला: {value!r}"
CONFIG_CONCURRENCY = "KHABAR_SEND_CONCURRENCY 1 से 1000 तक हो; मिला: {value}"
CONFIG_RETRY_BASE = "KHABAR_RETRY_BASE_SECONDS 0 से {most:g} तक हो; मिला: {value!r}"
CONFIG_OUTBOX_HTTP = "KHABAR_OUTBOX_HTTP aiohttp या httpx हो; मिला: {value!r}"
CONFIG_NOT_INTEGER = "{name} पूर्णांक होना चाहिए; मिला: {value!r}"
CONFIG_NOT_NUMBER = "{name} संख्या होनी चाहिए; मिला: {value!r}"
CONFIG_NOT_FINITE = "{name} सीमित संख्या होनी चाहिए; मिला: {value!r}"
CONFIG_FLAG = "{name} में 1 या 0 दें (true/false, yes/no, on/off भी चलेंगे); मिला: {value!r}"

# --- The terminal chat: `khabar chat` ---
# Plain text, no HTML.
CONSOLE_WELCOME = (
    "ख़बर टर्मिनल चैट · उपयोगकर्ता {user}{admin} · डेटाबेस {db}\n"
    "शुरू करने के लिए /start, सारे कमांड के लिए /help। बाहर निकलने के लिए Ctrl-D।\n"
)
CONSOLE_ADMIN_MARK = " (एडमिन)"
CONSOLE_PROMPT = "आप> "
CONSOLE_PASTE_ARTICLE = "लेख चिपकाएँ (पहली पंक्ति शीर्षक); ख़त्म करने के लिए अकेली पंक्ति में . लिखें:"
# Above a scheduled message (a digest, an update) that arrives while the user types.
CONSOLE_NEW_MESSAGE = "📬 (ख़बर से नया संदेश)"
CONSOLE_DEMO_LOADED = "(डेमो: {count} लेख जोड़े गए)"

# --- `khabar run` and Telegram ---
# For the operator: plain text, one line each. The *_LOG texts are log formats and take
# %-arguments, as logging does.
# `run` called without a token (the command line says NO_TOKEN before it gets there).
TOKEN_MISSING = "TELEGRAM_BOT_TOKEN सेट नहीं है।"
TOKEN_REJECTED = (
    "Telegram ने बॉट टोकन (TELEGRAM_BOT_TOKEN) अस्वीकार कर दिया। BotFather से सही टोकन लें "
    "(/mybots → API Token) और फिर चलाएँ; TELEGRAM_API_BASE_URL बदला है तो वह भी जाँचें। "
    "(The bot token was rejected.)"
)
STARTUP_FAILED = "ख़बर शुरू नहीं हो सका: {detail}"
TELEGRAM_UNREACHABLE_LOG = "Telegram तक नहीं पहुँच सके (कोशिश %d: %s); %.0f सेकंड बाद फिर कोशिश"
TELEGRAM_CONNECTED_LOG = "Telegram से जुड़ गए: @%s"
POLLING_FAILED_LOG = "Telegram से अपडेट नहीं मिले (%s); PTB फिर कोशिश करेगा"
# PTB's last getUpdates at shutdown failed: the updates it could not mark as read come again.
LAST_GETUPDATES_FAILED_LOG = (
    "Telegram को आख़िरी getUpdates नहीं भेजा जा सका (%s); अगली बार वे अपडेट फिर आएँगे"
)
