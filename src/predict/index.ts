// What other folders use from src/predict: import it from here, not from the files inside (issue 20).

export { COUNT_MODELS, type CountModelName, TIME_UNITS, type TimeUnit } from './count-model.ts';
export {
  customerPrediction,
  exportPredictions,
  type FitView,
  fitAndCheck,
  latestFit,
  minorPerMajor,
  refreshPredictions,
} from './predict-service.ts';
