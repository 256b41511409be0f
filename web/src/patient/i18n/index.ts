// Every string the patient app shows: the shell's, the account screens' and the visits'. A
// translation is a copy of these files. `t()` (src/i18n) fills in `{name}` placeholders.
import { account } from "./account";
import { shell } from "./shell";
import { visits } from "./visits";

export const ps = { shell, account, visits };
export { t } from "../../i18n";
