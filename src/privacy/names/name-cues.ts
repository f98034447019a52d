/**
 * Words around a name that say "a person follows" (titles, "name", "customer") or "this is a place or a
 * company" (street and company words), in the languages the name model covers. They are lexicon classes for
 * the tagger: the model learns how far to trust each class, and a cue it never saw in training ("Sayın",
 * "Κος") still fires through its class. Lowercase; written from general knowledge, not from any data set.
 */

/** Titles and forms of address written before a name. */
export const TITLE_WORDS = (
  'mr mrs ms miss mx dr prof sir dame madam mme mlle monsieur madame herr frau hr fr fru sr sra srta don doña ' +
  'señor señora señorita dott dottssa sig signor signora sig.ra pan pani pán paní mevrouw meneer mevr dhr ' +
  'bay bayan sayın hanım ông bà anh chị cô em ' +
  'г-н г-жа господин госпожа гражданин гражданка пан пані панове товарищ ' +
  'κ κος κα κύριος κυρία κύριε ' +
  'السيد السيدة سيد سيدة الأستاذ الأستاذة الدكتور الدكتورة الشيخ آقای خانم جناب ' +
  'מר גב גברת הגברת ד"ר ' +
  'श्री श्रीमती सुश्री कुमारी डॉ डॉक्टर ' +
  'คุณ นาย นาง นางสาว ' +
  'պարոն տիկին ბატონი ქალბატონი'
).split(' ');

/** Words that introduce a name: "name", "called", "customer", "contact", in many languages. */
export const NAME_CUE_WORDS = (
  'name names named called call dear hi hello thanks regards sincerely cheers attn customer client patient ' +
  'contact applicant passenger guest employee user holder recipient sender signed signature author ' +
  'friend colleague wife husband brother sister son daughter mother father mom mum dad boss manager uncle aunt ' +
  'cousin neighbour neighbor partner fiancé fiancée girlfriend boyfriend ' +
  'nom nommé nommée appelle appelé appelée cher chère bonjour ' +
  'nombre llamo llama llamado querido querida estimado estimada hola ' +
  'nome chiamo chiama chiamato caro cara gentile ciao ' +
  'heiße heisse heißt heisst namens liebe lieber sehr geehrter geehrte hallo kunde kundin ' +
  'naam heet beste ' +
  'imię nazywam nazwisko szanowny szanowna drogi droga ' +
  'jmenuji jméno jmenuje vážený vážená milý milá ' +
  'adım adı ismim isim soyadı sevgili merhaba ' +
  'tên tôi là ' +
  'heter namn kära hej ' +
  'зовут имя фамилия звать звали клиент уважаемый уважаемая дорогой дорогая привет здравствуйте ' +
  "звати ім'я прізвище шановний шановна " +
  'ονομάζομαι όνομα λέγομαι αγαπητέ αγαπητή πελάτης ' +
  'اسمي اسم اسمه اسمها عزيزي عزيزتي العميل مرحبا نام اسمم ' +
  'שמי שם שמו שמה לקוח שלום היקר היקרה ' +
  'नाम मेरा ग्राहक प्रिय नमस्ते ' +
  'ชื่อ ผม ฉัน ดิฉัน ลูกค้า ' +
  'անունս անուն სახელი ' +
  // Verbs and nouns that put a person next to them in other languages: call or call back, signed, regards,
  // recipient, sender, customer.
  'anrufen zurückrufen kontaktieren unterschrieben unterzeichnet grüße grüssen gruß empfänger absender ' +
  'appeler appelez rappeler rappelez contacter contactez téléphoner signé signée cordialement salutations client cliente destinataire expéditeur ' +
  'llame llamar contacte contactar firmado firmada firmó saludos atentamente destinatario remitente ' +
  'chiamare chiami richiamare richiami contattare contatti telefonare firmato firmata saluti cordiali mittente ' +
  'ligue ligar telefone contatar assinou assinado assinada atenciosamente destinatário remetente ' +
  'bellen terugbellen ondertekend getekend groeten groet klant ontvanger afzender ' +
  'zadzwoń zadzwonić oddzwoń oddzwonić skontaktuj podpisał podpisała pozdrawiam pozdrowienia klient odbiorca nadawca ' +
  'zavolejte zavolat zavolej podepsal podepsala pozdravem příjemce odesílatel zákazník ' +
  'ringa kontakta undertecknat undertecknad hälsningar mottagare avsändare kund ' +
  'soita soittakaa allekirjoitti terveisin vastaanottaja lähettäjä asiakas ' +
  'arayın imzaladı saygılarımla müşteri alıcı gönderen ' +
  'hívja hívd aláírta üdvözlettel címzett feladó ügyfél ' +
  'sunați semnat client destinatar expeditor ' +
  'позвоните позвонить перезвоните перезвонить подписал подписала уважением получатель отправитель ' +
  'зателефонуйте передзвоніть подзвоніть підписав підписала повагою клієнт одержувач отримувач відправник ' +
  'τηλεφωνήστε καλέστε υπέγραψε φιλικά παραλήπτης αποστολέας ' +
  'اتصل اتصلي الاتصال وقع وقّع توقيع المستلم المرسل ' +
  'تماس زنگ امضا مشتری گیرنده فرستنده ' +
  'התקשר התקשרי תתקשר חתם חתמה נמען שולח ' +
  'फोन फ़ोन कॉल हस्ताक्षर प्राप्तकर्ता प्रेषक ' +
  'gọi ký khách ' +
  // Written without spaces, so found as runs of characters (name-tagger.ts, cjkCueLength).
  '이름 이름은 이름이 성함 성함은 고객 고객님 수신인 발신인 名字 姓名 叫做 收件人 发件人 客户 名前 氏名 宛先 差出人 顧客'
).split(' ');

/** Words after a capitalised sequence that make it a place or an organisation, not a person. */
export const PLACE_OR_ORG_WORDS = (
  'street st avenue ave road rd lane ln drive dr court ct place pl square boulevard blvd way terrace parkway highway ' +
  'circle crescent close trail alley row walk plaza loop bridge gardens mews grove heights crossing ridge pike ' +
  'creek cliff lodge park union village fort port mount mountain lake river bay harbor harbour island valley springs ' +
  'falls hills hill station estate center centre mall airport tower building ' +
  'inc ltd llc plc corp co company group agency investments holdings partners associates foundation bank ' +
  'university college school hospital institute orchestra band movers consulting services solutions systems ' +
  'technologies labs international global capital ventures media studios records airlines restaurant cafe hotel ' +
  'pizza grill bar pub shop store market gmbh ag kg sa sarl spa srl bv nv oy ab as sp zoo ' +
  'straße strasse platz weg allee rue avenida calle via piazza ulica ulice náměstí ' +
  'улица ул проспект площадь переулок компания ооо банк'
).split(' ');

/** Words that start or join sentences and are never names, whatever their case. */
export const NOT_NAME_WORDS = (
  'i a an the and or but of in on at to for from by with my your his her our their its this that these those ' +
  'yes no ok okay please thank thanks hey hi hello team all everyone everybody guys folks there friends ' +
  'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
  'september october november december ' +
  'when what where who why how if so as is are was were be been it he she we they you me him them us ' +
  'can could would should will shall do does did have has had not also just then than ' +
  // Articles and pronouns of other languages, which start sentences with a capital ("Der Zug", "O voo").
  'der die das dem des ein eine einen ich wir sie es le les un une il elle nous vous je el los las una yo lo gli ' +
  'o os um uma eu het een ik wij jij zij den det en ett jag vi ni ' +
  // Banking and product acronyms that some given-name lists also hold ("Iban" is a Basque name).
  'iban swift bic atm pin cvv usd eur gbp sepa api'
).split(' ');
