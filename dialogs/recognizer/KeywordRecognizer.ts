/**
 * Keyword rules for the three languages. Every rule applies whatever the conversation's language,
 * because parents mix: a Spanish speaker in an English conversation who types "saldo" means balance.
 *
 * Scoring: a text that is exactly a phrase scores 1; a phrase inside a longer text scores the rule's
 * weight plus a little for how much of the text it covers. Weights rank the rules: specific phrases
 * ("last payment") outrank the generic words inside them ("payment"), and small talk ("hi", "help")
 * loses to any real request in the same message.
 */
import type { Locale } from '../../locales/i18n.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import { normalizeForMatching } from './normalize.js';
import type { Intent, Recognition, RecognitionEntities, Recognizer } from './Recognizer.js';

interface Rule {
  readonly intent: Exclude<Intent, 'none'>;
  readonly weight: number;
  readonly phrases: readonly string[];
  readonly entities?: RecognitionEntities;
}

const RULES: readonly Rule[] = [
  // balance
  { intent: 'balance', weight: 0.9, phrases: ['how much do i owe', 'how much i owe', 'what do i owe', 'amount i owe', 'amount due', 'how much money do i owe'] },
  { intent: 'balance', weight: 0.8, phrases: ['balance', 'arrears', 'my debt'] },
  { intent: 'balance', weight: 0.6, phrases: ['owe', 'debt'] },
  { intent: 'balance', weight: 0.9, phrases: ['欠多少', '还欠多少', '余额是多少', '欠款金额'] },
  { intent: 'balance', weight: 0.8, phrases: ['余额', '欠款', '还欠', '结欠'] },
  { intent: 'balance', weight: 0.65, phrases: ['我欠'] },
  { intent: 'balance', weight: 0.9, phrases: ['cuánto debo', 'cuánto le debo', 'cuánto debo pagar', 'monto adeudado', 'cantidad que debo'] },
  { intent: 'balance', weight: 0.8, phrases: ['saldo', 'deuda', 'atrasos'] },
  { intent: 'balance', weight: 0.6, phrases: ['debo'] },
  // the support order: no label of its own, so a balance question about the order
  { intent: 'balance', weight: 0.92, phrases: ['support order', 'my order', 'court order', 'order amount', 'child support order', 'how much is my order', 'what is my order'], entities: { view: 'order' } },
  { intent: 'balance', weight: 0.7, phrases: ['order'], entities: { view: 'order' } },
  { intent: 'balance', weight: 0.92, phrases: ['抚养令', '赡养令', '支付令', '法院命令', '抚养费命令', '判决金额'], entities: { view: 'order' } },
  { intent: 'balance', weight: 0.92, phrases: ['orden de manutención', 'mi orden', 'orden judicial', 'orden de pago', 'monto de la orden'], entities: { view: 'order' } },
  { intent: 'balance', weight: 0.7, phrases: ['orden'], entities: { view: 'order' } },

  // last payment
  { intent: 'last_payment', weight: 0.9, phrases: ['last payment', 'latest payment', 'most recent payment', 'recent payment', 'did my payment go through', 'my payment go through', 'last time i paid', 'when did i last pay'] },
  { intent: 'last_payment', weight: 0.9, phrases: ['上次付款', '上一次付款', '最近一次付款', '最后一次付款', '最近的付款', '上次缴费', '最近付款'] },
  { intent: 'last_payment', weight: 0.9, phrases: ['último pago', 'pago más reciente', 'mi pago más reciente', 'último abono', 'cuándo pagué por última vez'] },

  // payment history
  { intent: 'payment_history', weight: 0.9, phrases: ['payment history', 'past payments', 'previous payments', 'my payments', 'payment record', 'payment records', 'list of payments', 'all payments'] },
  { intent: 'payment_history', weight: 0.75, phrases: ['payments'] },
  { intent: 'payment_history', weight: 0.55, phrases: ['payment', 'paid'] },
  { intent: 'payment_history', weight: 0.9, phrases: ['付款记录', '付款历史', '缴费记录', '付款明细', '所有付款', '付款情况'] },
  { intent: 'payment_history', weight: 0.55, phrases: ['付款', '缴费'] },
  { intent: 'payment_history', weight: 0.9, phrases: ['historial de pagos', 'mis pagos', 'pagos anteriores', 'registro de pagos', 'lista de pagos'] },
  { intent: 'payment_history', weight: 0.75, phrases: ['pagos'] },
  { intent: 'payment_history', weight: 0.55, phrases: ['pago', 'pagué'] },

  // disbursements (money paid out to the parent who receives support)
  { intent: 'disbursements', weight: 0.9, phrases: ['disbursement', 'disbursements', 'payments to me', 'payments i received', 'money sent to me', 'money i received', 'did i get paid', 'when will i get my money', 'get my money', 'support i received'] },
  { intent: 'disbursements', weight: 0.9, phrases: ['发放', '拨付', '收到的钱', '收到的付款', '给我的钱', '什么时候能收到'] },
  { intent: 'disbursements', weight: 0.6, phrases: ['收到'] },
  { intent: 'disbursements', weight: 0.9, phrases: ['desembolso', 'desembolsos', 'pagos recibidos', 'dinero recibido', 'pagos que recibí', 'cuándo recibo mi dinero', 'dinero que recibí'] },
  { intent: 'disbursements', weight: 0.6, phrases: ['recibí', 'recibo'] },

  // statement
  { intent: 'statement', weight: 0.9, phrases: ['statement', 'statements', 'account statement'] },
  { intent: 'statement', weight: 0.9, phrases: ['对账单', '结单', '账户明细'] },
  { intent: 'statement', weight: 0.7, phrases: ['账单'] },
  { intent: 'statement', weight: 0.9, phrases: ['estado de cuenta', 'estados de cuenta', 'resumen de cuenta', 'extracto'] },

  // monthly notice
  { intent: 'monthly_notice', weight: 0.92, phrases: ['monthly notice', 'monthly notices', 'monthly letter', 'notice for this month'] },
  { intent: 'monthly_notice', weight: 0.6, phrases: ['notice', 'notices'] },
  { intent: 'monthly_notice', weight: 0.92, phrases: ['月度通知', '每月通知', '月通知', '每月的通知'] },
  { intent: 'monthly_notice', weight: 0.6, phrases: ['通知'] },
  { intent: 'monthly_notice', weight: 0.92, phrases: ['aviso mensual', 'avisos mensuales', 'notificación mensual', 'carta mensual'] },
  { intent: 'monthly_notice', weight: 0.6, phrases: ['aviso', 'notificación'] },

  // payment coupon
  { intent: 'payment_coupon', weight: 0.95, phrases: ['payment coupon', 'payment coupons', 'payment slip', 'payment stub'] },
  { intent: 'payment_coupon', weight: 0.85, phrases: ['coupon', 'coupons'] },
  { intent: 'payment_coupon', weight: 0.92, phrases: ['付款单', '缴款单', '付款凭单', '付款券', '缴费单'] },
  { intent: 'payment_coupon', weight: 0.95, phrases: ['cupón de pago', 'cupones de pago', 'talón de pago'] },
  { intent: 'payment_coupon', weight: 0.85, phrases: ['cupón', 'cupones'] },

  // contact the office
  { intent: 'contact_office', weight: 0.95, phrases: ['email my office', 'e mail my office', 'email the office', 'contact office', 'contact my office', 'contact the office', 'message my office', 'write to my office'] },
  { intent: 'contact_office', weight: 0.75, phrases: ['caseworker', 'case worker', 'talk to someone', 'talk to a person', 'speak to someone', 'send a message', 'contact'] },
  { intent: 'contact_office', weight: 0.6, phrases: ['email', 'office'] },
  { intent: 'contact_office', weight: 0.95, phrases: ['联系办公室', '联系我的办公室', '给办公室发邮件', '给办公室发信息'] },
  { intent: 'contact_office', weight: 0.8, phrases: ['发邮件', '电子邮件', '找工作人员', '人工'] },
  { intent: 'contact_office', weight: 0.6, phrases: ['办公室', '邮件', '联系'] },
  { intent: 'contact_office', weight: 0.95, phrases: ['escribir a mi oficina', 'contactar oficina', 'contactar a mi oficina', 'contactar la oficina', 'contactar a la oficina', 'correo a mi oficina', 'escribir a la oficina'] },
  { intent: 'contact_office', weight: 0.8, phrases: ['enviar un correo', 'correo electrónico', 'hablar con alguien', 'hablar con una persona'] },
  { intent: 'contact_office', weight: 0.6, phrases: ['oficina', 'correo', 'contactar'] },

  // PIN help
  { intent: 'pin_help', weight: 0.95, phrases: ['lost my pin', 'where is my pin', 'forgot my pin', "don't have my pin", 'dont have my pin', 'pin number', 'reset my pin', 'new pin'] },
  { intent: 'pin_help', weight: 0.8, phrases: ['pin'] },
  { intent: 'pin_help', weight: 0.95, phrases: ['忘记密码', '忘了密码', '密码丢了', '找不到密码', 'pin码', 'pin 码'] },
  { intent: 'pin_help', weight: 0.8, phrases: ['密码'] },
  { intent: 'pin_help', weight: 0.95, phrases: ['perdí mi pin', 'olvidé mi pin', 'dónde está mi pin', 'no tengo mi pin', 'mi pin', 'número pin'] },
  { intent: 'pin_help', weight: 0.6, phrases: ['contraseña', 'clave'] },

  // sign in / sign out: sign-out outranks sign-in because "退出登录" contains "登录"
  { intent: 'sign_out', weight: 0.95, phrases: ['sign out', 'signout', 'sign me out', 'log out', 'logout', 'log me out', 'log off'] },
  { intent: 'sign_out', weight: 0.95, phrases: ['退出登录', '退出', '登出', '注销'] },
  { intent: 'sign_out', weight: 0.95, phrases: ['cerrar sesión', 'cerrar la sesión', 'cerrar mi sesión', 'salir de mi cuenta'] },
  { intent: 'sign_out', weight: 0.7, phrases: ['salir'] },
  { intent: 'sign_in', weight: 0.9, phrases: ['sign in', 'signin', 'sign me in', 'log in', 'login', 'log me in', 'ny gov', 'nygov'] },
  { intent: 'sign_in', weight: 0.9, phrases: ['登录', '登入', '登陆'] },
  { intent: 'sign_in', weight: 0.9, phrases: ['iniciar sesión', 'inicio de sesión', 'iniciar la sesión'] },
  { intent: 'sign_in', weight: 0.65, phrases: ['entrar', 'acceder', 'ingresar'] },

  // help and menu
  { intent: 'help', weight: 0.85, phrases: ['what can you do', 'what can i do', 'what can i ask', 'how does this work', 'options', 'commands'] },
  { intent: 'help', weight: 0.55, phrases: ['help', 'i need help'] },
  { intent: 'help', weight: 0.85, phrases: ['你能做什么', '你可以做什么', '能做什么', '怎么用', '有什么功能'] },
  { intent: 'help', weight: 0.55, phrases: ['帮助', '帮忙', '求助'] },
  { intent: 'help', weight: 0.85, phrases: ['qué puedes hacer', 'qué puede hacer', 'cómo funciona', 'opciones'] },
  { intent: 'help', weight: 0.55, phrases: ['ayuda', 'ayúdame', 'necesito ayuda'] },
  { intent: 'help', weight: 0.8, phrases: ['menu', 'main menu', '菜单', '主菜单', 'menú principal'], entities: { view: 'menu' } },

  // cancel ("stop" is left alone: it is an SMS carrier keyword)
  { intent: 'cancel', weight: 0.8, phrases: ['cancel', 'never mind', 'nevermind', 'forget it', 'start over'] },
  { intent: 'cancel', weight: 0.8, phrases: ['取消', '算了', '重新开始'] },
  { intent: 'cancel', weight: 0.8, phrases: ['cancelar', 'olvídalo', 'olvidalo', 'no importa', 'empezar de nuevo'] },

  // greeting
  { intent: 'greeting', weight: 0.4, phrases: ['hi', 'hello', 'hey', 'hi there', 'good morning', 'good afternoon', 'good evening', 'howdy'] },
  { intent: 'greeting', weight: 0.4, phrases: ['你好', '您好', '嗨', '早上好', '下午好', '晚上好', '哈喽'] },
  { intent: 'greeting', weight: 0.4, phrases: ['hola', 'buenos días', 'buenas tardes', 'buenas noches', 'buenas', 'saludos'] },

];

/** Naming a language switches to it; the names live with each language (`locales/<lang>/nlu.json`). */
function languageRules(lexicon: Lexicon): Rule[] {
  return [
    ...[...lexicon.languageNames].map(([locale, phrases]): Rule => ({ intent: 'language', weight: 0.9, phrases, entities: { locale } })),
    { intent: 'language', weight: 0.8, phrases: lexicon.languageWords },
  ];
}

const LATIN = /[a-z0-9]/;

interface CompiledPhrase {
  readonly rule: Rule;
  readonly phrase: string;
  readonly test: (text: string) => boolean;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Latin phrases match whole words only ("pin" must not fire inside "spinning"); Chinese has no spaces,
 * so Han phrases match anywhere. A Latin phrase next to Han characters ("pin码") still counts.
 */
function compile(rule: Rule, raw: string): CompiledPhrase {
  const phrase = normalizeForMatching(raw);
  if (!LATIN.test(phrase)) return { rule, phrase, test: (text) => text.includes(phrase) };
  const pattern = new RegExp(`(?<![a-z0-9])${escapeRegExp(phrase)}(?![a-z0-9])`, 'u');
  return { rule, phrase, test: (text) => pattern.test(text) };
}

const COMPILED: readonly CompiledPhrase[] = [...RULES, ...languageRules(loadLexicon())].flatMap((rule) => rule.phrases.map((p) => compile(rule, p)));

/** Characters that carry meaning: spaces do not make a text "longer" for coverage. */
function weightOf(text: string): number {
  return [...text.replace(/ /g, '')].length;
}

export class KeywordRecognizer implements Recognizer {
  async recognize(text: string, _locale?: Locale): Promise<Recognition> {
    return this.recognizeSync(text);
  }

  /** Synchronous core, for the evaluation command and tests. */
  recognizeSync(text: string): Recognition {
    const normalized = normalizeForMatching(text);
    if (normalized === '') return { intent: 'none', score: 1, entities: {} };
    const length = weightOf(normalized);
    let best: { compiled: CompiledPhrase; score: number } | undefined;
    for (const compiled of COMPILED) {
      if (!compiled.test(normalized)) continue;
      const score =
        compiled.phrase === normalized
          ? 1
          : Math.min(0.99, compiled.rule.weight + 0.1 * (weightOf(compiled.phrase) / length));
      if (best === undefined || score > best.score) best = { compiled, score };
    }
    if (best === undefined) return { intent: 'none', score: 1, entities: {} };
    const score = Math.round(best.score * 1000) / 1000;
    return { intent: best.compiled.rule.intent, score, entities: { ...best.compiled.rule.entities } };
  }
}
