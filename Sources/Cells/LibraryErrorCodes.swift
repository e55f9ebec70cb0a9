import Basketball
import Engine
import Learn
import Plotting
import Simulation
import Stats
import Tracking

/// Codes for the errors of the libraries cells call (the engine knows Frame's and WorkbookModel's itself): a
/// library error that reaches the engine un-wrapped is recorded under one of these codes, with its own message.
enum LibraryErrorCodes {
  static func explain(_ error: any Error) -> CellError? {
    let code: ErrorCode
    switch error {
    case is SplitError, is MetricError, is Learn.ValidationError, is TreeModelError, is StatsError, is SimulationError,
         is ImpactModelError, is ShotCoachingError:
      code = .dataInvalid
    case is ModelFileError, is ByteCodecError, is FibaParseError: code = .dataUnreadable
    case is TrackingError: code = .trackingFailed
    case is PlottingError: code = .toolFailed
    default: return nil
    }
    return CellError(String(describing: error), code: code, cause: error)
  }
}
