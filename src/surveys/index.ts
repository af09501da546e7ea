// What other folders use from src/surveys: import it from here, not from the files inside (issue 20).

export { SurveyInput } from './survey-model.ts';
export { listResponses, responseCounts, surveyReport } from './survey-report.ts';
export {
  createSurvey,
  findSurvey,
  getSurvey,
  listSurveys,
  type StoredSurvey,
  updateSurvey,
} from './survey-service.ts';
