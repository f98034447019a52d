/**
 * Sentence templates the name model is trained on: `{N}` is a person's name, `{C}` a place, company or
 * product (never a person). Written for training only; test/pii/planted-names.ts has its own, different
 * templates, so the measured recall is on phrasings the model never saw.
 */

/** Templates by language; faker locales map onto them in LOCALE_LANGUAGE. */
export const TRAIN_TEMPLATES: Record<string, { positive: string[]; negative: string[] }> = {
  en: {
    positive: [
      'My name is {N}.', 'Hi, I am {N} and I need help with my order.', 'Please forward this to {N}.', '{N} will join the call at 3pm.',
      'Dear {N}, thank you for your message.', 'Customer: {N}', 'Name: {N}\nEmail: on file', 'Can you ask {N} to call me back?',
      'I spoke with {N} yesterday about the refund.', 'Regards,\n{N}', 'The account belongs to {N}, who moved to {C} last year.',
      'Mr {N} is waiting in reception.', 'Send the invoice to Ms. {N} in {C}.', '{"customer_name": "{N}", "city": "{C}"}',
      'full name: {N}', 'Write a birthday poem for {N}', 'Translate this letter from {N} into French.', 'Thanks, {N}',
      'Patient {N} was admitted on Monday.', 'Meeting notes: {N} presented the {C} numbers.', 'Is {N} available tomorrow?',
      'cc: {N}', 'Booked by {N} for two guests.', 'Dr. {N} signed the report.', 'Who is {N}?', 'I met {N} at the {C} office.',
      'Contact person: {N}, sales', 'Reply to {N} and say the parcel is on its way.', 'Signed, {N}', 'transfer 200 to {N} please',
      'Payee name: {N}', 'my friend {N} lent me money', 'Hey {N}, are we still on for Friday?', 'According to {N}, the plan works.',
      '{N} (Head of Finance) approved it.', 'Assign the ticket to {N}.', 'author: {N}', 'The card holder {N} reported it stolen.',
      '{N} is from {C}.', '{N}, could you check this for me?', 'I\'m {N}, and I live in {C}.', '{N} wrote the original proposal.',
      'Last week {N} and {N} visited the plant in {C}.', 'We hired {N} as a consultant.', 'The song was written by {N} in 1984.',
      '{N}\n{C}\n42 High Road', 'Attendees: {N}, {N}, {N}', 'Ask {N} whether the {C} deal closed.', 'She married {N} in {C}.',
      'Photo by {N}', 'Interview with {N}, the new CEO of {C}.', 'Did {N} ever reply?', 'Thanks to {N} for the review!',
      'It was {N} who found the bug.', '{N}\'s laptop was stolen.', 'Remind {N} about the dentist.', 'The tenant, {N}, has not paid.',
      'From: {N}\nTo: support', 'Our driver {N} will pick you up.', 'I am writing on behalf of {N}.', '{N} said the files are ready.',
      'Please update the beneficiary to {N}.', 'Speaker: {N}', 'starring {N} and {N}', 'directed by {N}', 'Prof. {N} teaches at {C}.',
    ],
    negative: [
      'What is the weather like in {C} today?', 'I bought a new phone from {C} last week.', 'Alexa, set a timer for ten minutes.',
      'Please wash dishes and take out the trash.', 'Book a table at {C} for Friday.', 'How far is {C} from here?',
      'My card was declined at {C}.', 'Set a reminder for Monday at 9.', 'Is {C} open on Sunday?', 'Play some music by the Beatles.',
      'Why was my Apple Pay top up declined?', 'I want to fly to {C} in March.', 'The {C} branch closed in January.',
      'Can I use my Visa card in {C}?', 'Hey Siri, what time is it in {C}?', 'Ask Google how tall the Eiffel Tower is.',
      'Order a pizza from Domino\'s.', 'The Quarterly Report shows Growth in March.', 'Send the file to Support Team.',
      'Revolut transfer to {C} failed.', 'Where is the nearest {C} station?', 'Tell me a joke about Christmas.',
      'What does the Federal Reserve do?', 'How do I reset my Netflix password?', 'Compare the iPhone 15 and the Galaxy S24.',
      'Victor Hugo Street is closed for repairs.', 'Russell Investments is a design agency.', 'My Mastercard expired.',
      'where can i exchange money in {C}', 'what is the exchange rate for the euro', 'Turn off the lights in the Living Room.',
      '{S}, {S} and {S} is a law firm in {C}.', 'I work at {S} Inc.', 'Send it to 12 {S} Way, {C}.', 'We stayed at the {S} Hotel.',
      'The {S}-{S} report is due.', 'He lives on {S} Street near {C}.', 'Top 10 Songs Of The Year: A Review', 'Entertainment Weekly',
      'Guilty Pleasures And Other Stories', 'Shares of {S} & Co rose 5%.', 'Flight to {C} via {C}', 'Happy New Year from all of us!',
      'const client = new OpenAI({ apiKey: process.env.KEY });', 'import React from "react";', 'SELECT name, email FROM users WHERE id = 5;',
      'df = pd.read_csv("Sales.csv")', 'git commit -m "Fix Login redirect"', 'class UserService extends BaseService {}', 'throw new TypeError("Invalid Name")',
      'res.choices[0].message.content', 'await client.chat.completions.create({ model, messages })', 'docker run -p 8080:80 nginx',
      'The HTTP Client retries on 503.', 'Use ArrayList instead of LinkedList here.', 'Why does JSON.parse throw on NaN?', 'PostgreSQL and Redis are running.',
    ],
  },
  de: {
    positive: ['Ich heiße {N}.', 'Sehr geehrte Frau {N},', 'Sehr geehrter Herr {N},', 'Bitte rufen Sie {N} zurück.', 'Kunde: {N}', '{N} wohnt jetzt in {C}.', 'Mit freundlichen Grüßen\n{N}', 'Ansprechpartner: {N}', 'Ich habe gestern mit {N} gesprochen.'],
    negative: ['Wie ist das Wetter in {C}?', 'Ich fahre am Montag nach {C}.', 'Die Filiale in {C} ist geschlossen.', 'Bitte überweisen Sie den Betrag bis Freitag.'],
  },
  fr: {
    positive: ['Je m\'appelle {N}.', 'Bonjour {N},', 'Madame {N} a appelé hier.', 'M. {N} arrive demain à {C}.', 'Client : {N}', 'Merci de contacter {N}.', 'Cordialement,\n{N}', 'J\'ai parlé avec {N} ce matin.'],
    negative: ['Quel temps fait-il à {C} ?', 'Je pars à {C} lundi.', 'La boutique de {C} est fermée.', 'Le colis arrive jeudi.'],
  },
  es: {
    positive: ['Me llamo {N}.', 'Hola {N}, gracias por escribir.', 'El señor {N} llamó ayer.', 'Cliente: {N}', 'Por favor, contacte con {N}.', 'Atentamente,\n{N}', '{N} vive en {C}.', 'Hablé con {N} sobre el pedido.'],
    negative: ['¿Qué tiempo hace en {C}?', 'Viajo a {C} el lunes.', 'La tienda de {C} está cerrada.', 'El paquete llega el martes.'],
  },
  it: {
    positive: ['Mi chiamo {N}.', 'Gentile {N},', 'Il signor {N} ha chiamato ieri.', 'Cliente: {N}', 'Per favore contatta {N}.', 'Cordiali saluti,\n{N}', '{N} abita a {C}.'],
    negative: ['Che tempo fa a {C}?', 'Parto per {C} lunedì.', 'Il negozio di {C} è chiuso.'],
  },
  pt: {
    positive: ['Meu nome é {N}.', 'Olá {N}, tudo bem?', 'O senhor {N} ligou ontem.', 'Cliente: {N}', 'Por favor, fale com {N}.', 'Atenciosamente,\n{N}', '{N} mora em {C}.'],
    negative: ['Como está o tempo em {C}?', 'Vou para {C} na segunda.', 'A loja de {C} fechou.'],
  },
  nl: {
    positive: ['Mijn naam is {N}.', 'Beste {N},', 'Meneer {N} belde gisteren.', 'Klant: {N}', 'Neem contact op met {N}.', 'Met vriendelijke groet,\n{N}'],
    negative: ['Hoe is het weer in {C}?', 'Ik ga maandag naar {C}.'],
  },
  pl: {
    positive: ['Nazywam się {N}.', 'Szanowny Panie {N},', 'Pani {N} dzwoniła wczoraj.', 'Klient: {N}', 'Proszę skontaktować się z {N}.', 'Pozdrawiam,\n{N}'],
    negative: ['Jaka jest pogoda w {C}?', 'Jadę do {C} w poniedziałek.'],
  },
  cs: {
    positive: ['Jmenuji se {N}.', 'Vážený pane {N},', 'Paní {N} volala včera.', 'Zákazník: {N}', 'Kontaktujte prosím {N}.', 'S pozdravem,\n{N}'],
    negative: ['Jaké je počasí v {C}?', 'V pondělí jedu do {C}.'],
  },
  sv: {
    positive: ['Jag heter {N}.', 'Hej {N}!', 'Kund: {N}', 'Kontakta {N} i morgon.', 'Med vänliga hälsningar,\n{N}'],
    negative: ['Hur är vädret i {C}?', 'Jag åker till {C} på måndag.'],
  },
  tr: {
    positive: [ 'Ben {N}, {C} şehrindenim.', '{N} ile konuşabilir miyim?', 'Çok teşekkürler, {N}!', 'Sipariş {N} adına.', 'Arkadaşım {N} bankada çalışıyor.', 'Ad soyad: {N}', 'Doktor {N} bir saat sonra gelecek.','Benim adım {N}.', 'Sayın {N},', '{N} dün aradı.', 'Müşteri adı: {N}', 'Lütfen {N} ile iletişime geçin.', 'Saygılarımla,\n{N}', '{N} Bey toplantıda.', '{N} Hanım {C} şubesinde çalışıyor.'],
    negative: [ '{C} şehrindeki en yakın şube nerede?', 'Kargo ne zaman gelir?', 'Şifremi unuttum.','{C} hava durumu nasıl?', 'Pazartesi {C} şehrine gidiyorum.', '{C} şubesi kapalı.'],
  },
  ru: {
    positive: [ 'Я {N} из {C}.', 'Можно поговорить с {N}?', 'Я встретил {N} на собрании.', 'Большое спасибо, {N}!', 'Заказ оформлен на имя {N}.', 'Мой друг {N} работает в банке.', '{N} отвечает за этот счёт.', 'Полное имя: {N}', 'Доктор {N} придёт через час.', '{N} написал отчёт о {C}.', 'Передайте {N}, что я опоздаю.','Меня зовут {N}.', '{N} звонил вчера.', 'Уважаемый {N}!', 'Клиент: {N}', 'Пожалуйста, свяжитесь с {N}.', 'С уважением,\n{N}', 'Господин {N} приедет в {C}.', 'Я говорил с {N} о заказе.', 'ФИО: {N}'],
    negative: [ 'Где ближайшее отделение в {C}?', 'Когда придёт посылка?', 'Я забыл пароль.', 'Встреча в воскресенье в {C}.', 'Какой сегодня курс обмена?','Какая погода в {C}?', 'Я еду в {C} в понедельник.', 'Отделение в {C} закрыто.', 'Мой заказ не пришёл.'],
  },
  uk: {
    positive: [ 'Я {N} з {C}.', 'Чи можна поговорити з {N}?', 'Дякую, {N}!', 'Замовлення на ім\'я {N}.', 'Мій друг {N} працює в банку.', 'Повне ім\'я: {N}','Мене звати {N}.', 'Пан {N} телефонував учора.', 'Шановна {N}!', 'Клієнт: {N}', 'З повагою,\n{N}'],
    negative: [ 'Де найближче відділення в {C}?', 'Коли прийде посилка?', 'Я забув пароль.','Яка погода в {C}?', 'Я їду до {C} у понеділок.'],
  },
  el: {
    positive: [ 'Είμαι ο {N} από την {C}.', 'Μπορώ να μιλήσω με τον {N};', 'Ευχαριστώ πολύ, {N}!', 'Η παραγγελία είναι στο όνομα {N}.', 'Ο φίλος μου {N} δουλεύει στην τράπεζα.', 'Πλήρες όνομα: {N}', 'Ο γιατρός {N} θα έρθει σε μία ώρα.','Με λένε {N}.', 'Ο κύριος {N} τηλεφώνησε χθες.', 'Αγαπητέ {N},', 'Όνομα πελάτη: {N}', 'Παρακαλώ επικοινωνήστε με τον {N}.', 'Με εκτίμηση,\n{N}'],
    negative: [ 'Πού είναι το πλησιέστερο κατάστημα στην {C};', 'Πότε θα φτάσει το δέμα;', 'Ξέχασα τον κωδικό μου.','Τι καιρό κάνει στην {C};', 'Πάω στην {C} τη Δευτέρα.'],
  },
  ar: {
    positive: [ 'أنا {N} من {C}.', 'هل يمكنني التحدث مع {N}؟', 'أرسل الفاتورة إلى {N} من فضلك.', 'قابلت {N} في الاجتماع.', 'المدير {N} غير موجود اليوم.', 'الدكتور {N} سيصل بعد ساعة.', 'شكرا جزيلا يا {N}.', 'هذا الطلب باسم {N}.', 'كتب {N} تقريرا عن {C}.', 'صديقي {N} يعمل في البنك.', '{N} هو المسؤول عن الحساب.', 'الاسم الكامل: {N}','اسمي {N}.', 'اتصل {N} أمس.', 'السيد {N} في المكتب.', 'اسم العميل: {N}', 'يرجى التواصل مع {N}.', 'مع التحية،\n{N}', 'سافر {N} إلى {C}.', 'عزيزي {N}،'],
    negative: [ 'أريد تحويل المال إلى حسابي في {C}.', 'ما هو سعر الصرف اليوم؟', 'أين أقرب فرع في {C}؟', 'متى يصل الطرد؟', 'نسيت كلمة المرور الخاصة بي.', 'الاجتماع يوم الأحد في {C}.','كيف الطقس في {C}؟', 'سأسافر إلى {C} يوم الاثنين.', 'فرع {C} مغلق اليوم.', 'لم تصل بطاقتي بعد.'],
  },
  fa: {
    positive: [ 'من {N} از {C} هستم.', 'می‌توانم با {N} صحبت کنم؟', 'خیلی ممنون، {N}!', 'سفارش به نام {N} است.', 'دوستم {N} در بانک کار می‌کند.', 'نام کامل: {N}', 'دکتر {N} یک ساعت دیگر می‌آید.','نام من {N} است.', 'آقای {N} دیروز تماس گرفت.', 'لطفا با {N} تماس بگیرید.', 'نام مشتری: {N}', 'خانم {N} در {C} زندگی می‌کند.'],
    negative: [ 'نزدیک‌ترین شعبه در {C} کجاست؟', 'بسته کی می‌رسد؟', 'رمز عبورم را فراموش کردم.','هوای {C} چطور است؟', 'دوشنبه به {C} می‌روم.'],
  },
  ur: {
    positive: [ 'میں {N} ہوں۔', 'کیا میں {N} سے بات کر سکتا ہوں؟', 'شکریہ، {N}!', 'پورا نام: {N}','میرا نام {N} ہے۔', '{N} نے کل فون کیا۔', 'براہ کرم {N} سے رابطہ کریں۔', 'گاہک کا نام: {N}'],
    negative: [ 'پارسل کب آئے گا؟','{C} میں موسم کیسا ہے؟'],
  },
  he: {
    positive: [ 'אני {N} מ{C}.', 'אפשר לדבר עם {N}?', 'פגשתי את {N} בישיבה.', 'תודה רבה, {N}!', 'ההזמנה על שם {N}.', 'החבר שלי {N} עובד בבנק.', '{N} אחראי על החשבון.', 'שם מלא: {N}', 'ד"ר {N} יגיע בעוד שעה.', 'כתב {N} דוח על {C}.','שמי {N}.', '{N} התקשר אתמול.', 'נא לפנות אל {N}.', 'שם הלקוח: {N}', 'מר {N} ממתין בקבלה.', 'בברכה,\n{N}'],
    negative: [ 'איפה הסניף הקרוב ב{C}?', 'מתי החבילה תגיע?', 'שכחתי את הסיסמה שלי.', 'הפגישה ביום ראשון ב{C}.', 'מה שער החליפין היום?','מה מזג האוויר ב{C}?', 'אני נוסע ל{C} ביום שני.'],
  },
  hi: {
    positive: [ 'मैं {N} हूँ, {C} से।', 'क्या मैं {N} से बात कर सकता हूँ?', 'मैं {N} से बैठक में मिला।', 'बहुत धन्यवाद, {N}!', 'यह ऑर्डर {N} के नाम पर है।', 'मेरे दोस्त {N} बैंक में काम करते हैं।', '{N} इस खाते के जिम्मेदार हैं।', 'पूरा नाम: {N}', 'डॉ. {N} एक घंटे में आएंगे।', '{N} ने {C} पर रिपोर्ट लिखी।', '{N} जी, आपका स्वागत है।','मेरा नाम {N} है।', '{N} ने कल फोन किया।', 'कृपया {N} से संपर्क करें।', 'ग्राहक का नाम: {N}', 'श्री {N} कार्यालय में हैं।', 'धन्यवाद,\n{N}'],
    negative: [ '{C} में सबसे नज़दीकी शाखा कहाँ है?', 'पार्सल कब आएगा?', 'मैं अपना पासवर्ड भूल गया।', 'बैठक रविवार को {C} में है।', 'आज विनिमय दर क्या है?','{C} में मौसम कैसा है?', 'मैं सोमवार को {C} जा रहा हूँ।'],
  },
  zh: {
    positive: [ '{N}是我们的新同事。', '能和{N}通话吗？', '谢谢你，{N}！', '订单是以{N}的名义下的。', '我的朋友{N}在银行工作。', '{N}负责这个账户。', '全名：{N}', '{N}医生一个小时后到。', '{N}写了一份关于{C}的报告。', '请转告{N}我会迟到。', '{N}老师，您好！', '尊敬的{N}：','我叫{N}。', '{N}先生您好，', '请联系{N}女士。', '客户姓名：{N}', '{N}昨天来电话了。', '我和{N}一起去了{C}。', '经理{N}批准了这个申请。', '此致\n{N}', '联系人：{N}'],
    negative: [ '{C}最近的分行在哪里？', '包裹什么时候到？', '我忘记密码了。', '会议在星期日在{C}举行。', '今天的汇率是多少？', '我想开一个新账户。','{C}的天气怎么样？', '我想去{C}旅游。', '明天星期一开会。', '我的银行卡还没有收到。', '请帮我查一下{C}的地址。'],
  },
  ja: {
    positive: [ '{N}は新しい同僚です。', '{N}さんと話せますか？', 'ありがとうございます、{N}さん。', 'ご注文は{N}様の名義です。', '友人の{N}は銀行で働いています。', '{N}がこのアカウントの担当です。', '氏名：{N}', '{N}先生は一時間後に来ます。', '{N}くんによろしく。', '拝啓 {N}様','{N}様', '私は{N}です。', '{N}さんに連絡してください。', '担当者：{N}', '{N}と{C}へ行きました。', '{N}氏が承認しました。', 'お名前：{N}'],
    negative: [ '{C}で一番近い支店はどこですか？', '荷物はいつ届きますか？', 'パスワードを忘れました。', '会議は日曜日に{C}であります。','{C}の天気はどうですか？', '月曜日に{C}へ行きます。', 'カードがまだ届きません。'],
  },
  ko: {
    positive: [ '{N}은 새 동료입니다.', '{N} 님과 통화할 수 있나요?', '감사합니다, {N} 님.', '주문자는 {N}입니다.', '제 친구 {N}는 은행에서 일해요.', '{N} 선생님이 한 시간 후에 오십니다.', '성명: {N}', '{N} 대리에게 전해 주세요.','제 이름은 {N}입니다.', '{N} 씨에게 전화해 주세요.', '고객명: {N}', '{N}님 안녕하세요.', '{N} 과장이 승인했습니다.', '담당자: {N}'],
    negative: [ '{C}에서 가장 가까운 지점이 어디예요?', '택배는 언제 오나요?', '비밀번호를 잊어버렸어요.', '회의는 일요일에 {C}에서 있습니다.','{C} 날씨 어때요?', '월요일에 {C}에 갑니다.', '카드가 아직 안 왔어요.'],
  },
  th: {
    positive: [ 'ฉันคือ{N} จาก{C}', 'ขอคุยกับคุณ{N} ได้ไหม', 'ขอบคุณมากครับ คุณ{N}', 'ชื่อเต็ม: {N}', 'เพื่อนของฉัน {N} ทำงานที่ธนาคาร','ผมชื่อ{N}ครับ', 'คุณ{N} โทรมาเมื่อวาน', 'กรุณาติดต่อ{N} ที่สำนักงาน', 'ชื่อลูกค้า: {N}', 'ดิฉันชื่อ{N}ค่ะ', 'นาย{N} อยู่ที่{C}'],
    negative: [ 'สาขาที่ใกล้ที่สุดใน{C}อยู่ที่ไหน', 'พัสดุจะมาถึงเมื่อไหร่','อากาศที่{C}เป็นอย่างไร', 'ฉันจะไป{C}วันจันทร์'],
  },
  vi: {
    positive: [ 'Tôi là {N}, đến từ {C}.', 'Cho tôi nói chuyện với {N} được không?', 'Cảm ơn {N} nhiều!', 'Đơn hàng đứng tên {N}.', 'Bạn tôi {N} làm ở ngân hàng.', 'Họ và tên: {N}', 'Bác sĩ {N} sẽ đến sau một giờ.','Tôi tên là {N}.', 'Anh {N} đã gọi hôm qua.', 'Vui lòng liên hệ chị {N}.', 'Khách hàng: {N}', 'Ông {N} sống ở {C}.', 'Trân trọng,\n{N}'],
    negative: [ 'Chi nhánh gần nhất ở {C} ở đâu?', 'Khi nào bưu kiện đến?', 'Tôi quên mật khẩu.','Thời tiết ở {C} thế nào?', 'Tôi sẽ đi {C} vào thứ Hai.'],
  },
  ka: {
    positive: ['ჩემი სახელია {N}.', 'ბატონი {N} დარეკა გუშინ.', 'კლიენტი: {N}'],
    negative: ['როგორი ამინდია {C}-ში?'],
  },
  hy: {
    positive: ['Իմ անունը {N} է։', 'Պարոն {N}ը զանգահարեց։', 'Հաճախորդ՝ {N}'],
    negative: ['Ինչպիսի՞ եղանակ է {C}ում։'],
  },
};

/** The language whose templates a locale's names go into (besides English, which every locale also gets). */
export const LOCALE_LANGUAGE: Record<string, string> = {
  de: 'de', de_CH: 'de', fr: 'fr', fr_BE: 'fr', fr_SN: 'fr', es: 'es', es_MX: 'es', it: 'it', pt_BR: 'pt', pt_PT: 'pt',
  nl: 'nl', pl: 'pl', cs_CZ: 'cs', sk: 'cs', sv: 'sv', nb_NO: 'sv', da: 'sv', tr: 'tr', az: 'tr', ru: 'ru', uk: 'uk', mk: 'ru',
  el: 'el', ar: 'ar', fa: 'fa', ku_ckb: 'fa', ur: 'ur', he: 'he', ne: 'hi', zh_CN: 'zh', zh_TW: 'zh', ja: 'ja', ko: 'ko',
  th: 'th', vi: 'vi', ka_GE: 'ka', hy: 'hy',
};

/** Brands, products and assistants that look like names in a request; all negatives. */
export const NON_PERSON_WORDS = [
  'Alexa', 'Siri', 'Cortana', 'Google', 'Apple', 'Samsung', 'Tesla', 'Amazon', 'Netflix', 'Spotify', 'Uber', 'Zoom', 'Slack',
  'PayPal', 'Revolut', 'Visa', 'Mastercard', 'Nike', 'Adidas', 'Toyota', 'Chevrolet', 'Ford', 'Wells Fargo', 'Chase', 'Barclays',
  'Starbucks', 'McDonald\'s', 'Olive Garden', 'Burger King', 'Walmart', 'Target', 'Costco', 'IKEA', 'Lufthansa', 'Delta',
  'Microsoft Teams', 'Google Pay', 'Apple Pay', 'iPhone', 'Galaxy', 'PlayStation', 'Xbox', 'Kindle', 'Monday', 'Friday', 'March',
  'August', 'Christmas', 'Easter', 'Ramadan', 'Thanksgiving',
];
