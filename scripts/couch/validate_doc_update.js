// validate_doc_update for a team's Escalation Desk database, installed by scripts/couch/setup.mjs.
// Runs on the server for every write by anyone who is not a server admin. Events are immutable
// (a second revision or a deletion is refused), cases, whole records (rec:, a playbook,
// template, partner team, problem or RCA worksheet) and reviews of a conflict (cf:, of a case
// field or, as cf:rec:…, of a whole record; opened by the person whose value was set aside,
// resolved by anyone in the team) are never deleted
// through sync, except an email template or partner team (removed in an editor), and every
// document, a deletion too, must name the signed-in user as its author.
function (newDoc, oldDoc, userCtx, secObj) {
  if (userCtx.roles.indexOf('_admin') !== -1) return;
  var id = newDoc._id || '';
  var isEvent = id.indexOf('ev:') === 0;
  var isCase = id.indexOf('case:') === 0;
  var isReview = id.indexOf('cf:') === 0;
  var isRecord = id.indexOf('rec:') === 0;
  if (!isEvent && !isCase && !isReview && !isRecord) {
    throw({ forbidden: 'only case, event, record and review documents are written through sync (' + id + ')' });
  }
  // An email template or partner team removed in an editor is deleted, with its author, so
  // every device removes it too; nothing else is ever deleted through sync.
  var isRemovable = id.indexOf('rec:template:') === 0 || id.indexOf('rec:partner:') === 0;
  if (newDoc._deleted && !isRemovable) {
    throw({ forbidden: (isEvent ? 'events' : isCase ? 'cases' : isRecord ? 'records other than email templates and partner teams' : 'reviews') + ' are never deleted through sync' });
  }
  if (isEvent && oldDoc && !oldDoc._deleted) {
    throw({ forbidden: 'an event never changes once written (' + id + ')' });
  }
  if (newDoc.author !== userCtx.name) {
    throw({ forbidden: 'author must be the signed-in user ' + userCtx.name + ', not ' + newDoc.author });
  }
  if (typeof newDoc.schema !== 'number' || newDoc.schema < 1) {
    throw({ forbidden: 'schema: expected a number from 1' });
  }
}
